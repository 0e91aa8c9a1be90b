-- AI partner analysis: each 4C sub-score keeps the one-line rationale the model gave for it,
-- citing the partner data it used.
alter table partner_insights add column capacity_rationale text;
alter table partner_insights add column capability_rationale text;
alter table partner_insights add column commitment_rationale text;
alter table partner_insights add column customer_alignment_rationale text;
