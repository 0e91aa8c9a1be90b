drop index partner_insights_health_idx;
drop index partner_insights_fit_idx;
drop table partner_financials;
drop table deals;
drop table deal_registrations;
alter table organizations drop column registration_expiry_days;
alter table organizations drop column deal_currency;
