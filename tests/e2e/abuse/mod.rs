//! Hostile input, as an attacker would send it: every reproduction of the hardening issue has a
//! regression test here, one module per area.

mod accounts;
mod database;
mod documents;
mod graphiql;
mod sockets;
