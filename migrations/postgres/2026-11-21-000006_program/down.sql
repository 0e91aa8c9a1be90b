alter table organizations drop column tiers_evaluated_at;
drop index partners_org_tier_idx;
drop table partner_tier_changes;
drop table partner_segments;
drop table program_tiers;
drop table program_track_types;
drop table program_tracks;
drop table program_segments;
