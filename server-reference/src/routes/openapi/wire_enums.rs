//! Schemas of the wire enums, built from sdk-core's own tables (`ALL`), so a code, status,
//! quality or scope added there appears in the document without an edit here; and of the
//! unsigned integers utoipa would narrow to `int64`.

use std::borrow::Cow;

use sdk_core::{ErrorCode, Quality, Scope, VideoStatus};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

fn string_enum<'a>(description: &str, values: impl IntoIterator<Item = &'a str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

/// Declares a schema-only type whose schema is a string enum of a sdk-core table.
macro_rules! table_schema {
    ($(#[$doc:meta])* $name:ident = $wire:literal, $description:literal, $values:expr) => {
        $(#[$doc])*
        #[derive(serde::Serialize)]
        pub(crate) struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum($description, $values)
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($wire)
            }
        }
    };
}

table_schema!(
    /// Every code of the error catalog, in both envelopes.
    ErrorCodeSchema = "ErrorCode",
    "A code of the error catalog. Clients must keep codes they do not know.",
    ErrorCode::ALL.iter().map(ErrorCode::as_str)
);

table_schema!(
    /// A video's life-cycle status.
    VideoStatusSchema = "VideoStatus",
    "Where a video is in its life cycle; only COMPLETED videos can be played.",
    VideoStatus::ALL.iter().map(VideoStatus::as_str)
);

table_schema!(
    /// A video's top quality.
    QualitySchema = "Quality",
    "A video's top quality.",
    Quality::ALL.iter().map(Quality::as_str)
);

table_schema!(
    /// What an API key may do.
    ScopeSchema = "Scope",
    "What an API key may do; only video:read is generally available.",
    Scope::ALL.iter().map(Scope::as_str)
);

/// A count or offset sent as a JSON or query integer of any size from 0 (a `u64`). utoipa
/// would write `format: int64`, whose signed range is narrower than what the server accepts.
#[derive(serde::Serialize)]
pub(crate) struct UnsignedSchema;

impl PartialSchema for UnsignedSchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .into()
    }
}

impl ToSchema for UnsignedSchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Unsigned")
    }
}

table_schema!(
    /// A route pattern a fault may be armed for, from the router's own table.
    FaultPatternSchema = "FaultPattern",
    "A route pattern of the API, as the request journal reports it: the fault hits exactly that route.",
    crate::routes::patterns::FAULTABLE.iter().copied()
);
