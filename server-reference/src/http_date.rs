//! The `Date` header from the server clock, so a client's "wait until reset" (`X-RateLimit-Reset`
//! minus `Date`) is right after `/dev/clock` moved time. hyper would otherwise write the wall
//! clock's date.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::state::AppState;

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7, IMF-fixdate).
pub(crate) fn imf_fixdate(at: OffsetDateTime) -> Option<String> {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.to_offset(time::UtcOffset::UTC).format(&format).ok()
}

/// Sets `Date` on every response from the server clock.
pub(crate) async fn middleware(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if let Some(value) =
        imf_fixdate(state.clock().now()).and_then(|d| HeaderValue::from_str(&d).ok())
    {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_is_an_imf_fixdate() {
        let at = OffsetDateTime::from_unix_timestamp(784_111_777).unwrap();
        assert_eq!(imf_fixdate(at).unwrap(), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
