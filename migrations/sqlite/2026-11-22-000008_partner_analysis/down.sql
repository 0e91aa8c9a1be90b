alter table partner_insights drop column customer_alignment_rationale;
alter table partner_insights drop column commitment_rationale;
alter table partner_insights drop column capability_rationale;
alter table partner_insights drop column capacity_rationale;
