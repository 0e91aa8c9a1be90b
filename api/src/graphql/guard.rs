//! Who is asking, from a resolver: the viewer put into request data by the transport.

use async_graphql::Context;

use crate::auth::{Member, Viewer};
use crate::error::ApiResult;
use crate::graphql::ClientIp;

const ANONYMOUS: Viewer = Viewer::Anonymous { rejected: None };

/// The request's viewer (anonymous when the transport set none).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    ctx.data_opt::<Viewer>().unwrap_or(&ANONYMOUS)
}

/// The authenticated member, or UNAUTHENTICATED.
pub fn member<'a>(ctx: &Context<'a>) -> ApiResult<&'a Member> {
    viewer(ctx).member()
}

/// The client's address (loopback when unknown, e.g. in-process execution).
pub fn client_ip(ctx: &Context<'_>) -> std::net::IpAddr {
    ctx.data_opt::<ClientIp>()
        .map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), |ip| {
            ip.0
        })
}
