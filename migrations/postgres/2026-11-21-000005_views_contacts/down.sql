drop table partner_views;
drop table partner_contacts;
