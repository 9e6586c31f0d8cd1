use axum::Json;
use utoipa::OpenApi;

use super::dto::*;
use super::handlers;

#[derive(OpenApi)]
#[openapi(
    info(title = "Suyang API", description = "Digital-literacy platform: accounts, the competence framework, self-assessment, profiles and lessons. Errors are RFC 9457 problem details (application/problem+json), localized by Accept-Language."),
    paths(
        handlers::create_user, handlers::get_user, handlers::get_user_profile,
        handlers::create_session, handlers::delete_session,
        handlers::get_me, handlers::patch_me, handlers::delete_me, handlers::export_me, handlers::get_my_profile,
        handlers::get_statistics, handlers::put_statistics, handlers::delete_statistics,
        handlers::list_frameworks, handlers::get_framework, handlers::import_framework,
        handlers::get_self_assessment, handlers::post_self_assessment,
        handlers::list_lessons, handlers::get_lesson, handlers::complete_lesson,
    ),
    components(schemas(UserOut, SignUpIn, SignInIn, SessionOut, MePatch, PasswordIn, StatisticsIo, FrameworkSummary,
        FrameworkOut, AreaOut, CompetenceOut, LevelOut, ImportOut, SelfAssessmentOut, SelfAssessmentIn, ScaleStep, QuestionOut,
        ProfileOut, AreaResultOut, CompetenceResultOut, RecommendationOut, LessonRef, LessonOut)),
    tags((name = "accounts"), (name = "me"), (name = "frameworks"), (name = "assessment"), (name = "lessons"))
)]
pub struct ApiDoc;

/// The OpenAPI 3.1 document.
pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(spec())
}
