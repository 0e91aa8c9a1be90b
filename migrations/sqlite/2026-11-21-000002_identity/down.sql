drop table api_keys;
drop table invitations;
drop table refresh_tokens;
drop table sessions;
drop table users;
drop table organizations;
