{#- The ledger's promise: every row read was either accepted or rejected. -#}
{% test rows_balance(model) %}
select file_sha256
from {{ model }}
where rows_read != rows_accepted + rows_rejected
{% endtest %}
