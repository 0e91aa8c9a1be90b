alter table partner_financials drop column won_deals;
drop table dashboard_preferences;
