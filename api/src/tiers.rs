//! Tier evaluation (filled in by the evaluation work).

use uuid::Uuid;

use crate::auth::Member;
use crate::error::ApiResult;
use crate::graphql::Services;

/// Re-evaluates the partners a program change affects (filled in by the evaluation work).
pub async fn program_changed(
    services: &Services,
    member: &Member,
    affected: &[Uuid],
) -> ApiResult<()> {
    let _ = (services, member, affected);
    Ok(())
}
