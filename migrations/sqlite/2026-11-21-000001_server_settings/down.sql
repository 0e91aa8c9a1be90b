drop table server_settings;
