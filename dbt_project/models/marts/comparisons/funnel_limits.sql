-- Funnel-plot control limits around the national value for each metric and period, on a
-- grid of 60 denominators spanning the forces' range (geometric steps), at 95% and 99.8%,
-- widened by the period's overdispersion factor phi when it exceeds 1.
{{ funnel_limit_grid(ref('force_comparisons')) }}
