-- Funnel-plot control limits, recomputed from the published (disclosure-controlled)
-- comparisons: the denominator grid spans the published denominators only (the marts grid
-- starts at the smallest force's denominator, which could be a suppressed count), and the
-- limits are NULL where the national value is withheld. Same formula as marts.funnel_limits
-- (60 geometric steps, 95% and 99.8%), with the dispersion computed over the published
-- forces only, so no withheld figure enters it.
{{ config(alias='funnel_limits') }}

{{ funnel_limit_grid(ref('published_force_comparisons')) }}
