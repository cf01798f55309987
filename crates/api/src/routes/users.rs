//! `/users`: registration, self-service, admin listing and removal.

use domain::user::{User, UserFilter, UserSort};
use paperclip::actix::{Apiv2Schema, api_v2_operation, web};
use serde::Serialize;

use crate::{
    AppState,
    error::ApiResult,
    extract::{Auth, QueryArgs, QuerySpec},
    params::{Kind, PAGE, PER_PAGE, Param, Query, SORT_NONE, TERMS},
    reply::{Reply, datetime},
    wire::NaiveUtc,
};

/// The User representation.
#[derive(Serialize, Apiv2Schema)]
#[openapi(rename = "User")]
pub struct UserOut {
    /// Email of user collected by the OIDC token
    #[openapi(example = "simple_email@gmail.com")]
    email: String,
    /// String containing an OIDC issuer
    #[openapi(example = "https://self-issued.me")]
    iss: String,
    /// Time when the user was registered (naive UTC, no offset: `YYYY-MM-DDTHH:MM:SS`, microseconds `.ffffff` only when non-zero)
    #[openapi(example = "2021-09-11T10:16:11.732268")]
    registration_datetime: NaiveUtc,
    /// String containing an OIDC subject
    #[openapi(example = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")]
    sub: String,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            registration_datetime: datetime(&u.registration_datetime),
            sub: u.sub,
            iss: u.iss,
            email: u.email,
        }
    }
}

const SUB: Param = Param::opt("sub", Kind::Str, "String containing an OIDC subject");
const ISS: Param = Param::opt("iss", Kind::Str, "String containing an OIDC issuer");
const EMAIL: Param = Param::opt("email", Kind::Str, "Email of user collected by the OIDC token");

/// `GET /users` parameters.
pub struct ListUsersQuery;
impl QuerySpec for ListUsersQuery {
    const PARAMS: &'static [Param] = &[
        PER_PAGE,
        PAGE,
        SUB,
        ISS,
        EMAIL,
        Param::opt(
            "sort_by",
            Kind::Str,
            "Order to return the results (coma separated).<br>Specific fields: [sub,iss,email,registration_datetime]",
        )
        .with_default("\"+iss,+sub\""),
    ];
}

/// `GET /users:search` parameters.
pub struct SearchUsersQuery;
impl QuerySpec for SearchUsersQuery {
    const PARAMS: &'static [Param] = &[TERMS, SORT_NONE, PER_PAGE, PAGE];
}

/// `POST /users:remove` parameters.
pub struct RemoveUsersQuery;
impl QuerySpec for RemoveUsersQuery {
    const PARAMS: &'static [Param] = &[SUB, ISS, EMAIL];
}

fn filter(q: &Query) -> UserFilter {
    UserFilter { sub: q.str("sub"), iss: q.str("iss"), email: q.str("email"), terms: q.strs("terms") }
}

async fn list(state: &AppState, auth: &Auth, query: ApiResult<Query>) -> ApiResult<Reply> {
    let admin = auth.admin(state).await?;
    let q = query?;
    let sort = q.sort::<UserSort>()?;
    let page = state.users.list(&admin, &filter(&q), &sort, q.page()).await?;
    Ok(Reply::page(page, UserOut::from))
}

/// (Admins) Filter and list users.
#[api_v2_operation(
    operation_id = "ListUsers",
    summary = "(Admins) Filter and list users.",
    description = "Use this method to get a list of users filtered according to your requirements. The response returns a pagination object with the filtered users (if succeeds).",
    tags(users)
)]
pub async fn list_users(
    state: web::Data<AppState>,
    auth: Auth,
    query: QueryArgs<ListUsersQuery>,
) -> ApiResult<Reply> {
    list(&state, &auth, query.parse()).await
}

/// (Admins) Filter and list users by e-mail terms.
#[api_v2_operation(
    operation_id = "SearchUsers",
    summary = "(Admins) Filter and list users.",
    description = "Use this method to get a list of users based on a general search of terms. The response returns a pagination object with the filtered users (if succeeds).",
    tags(users)
)]
pub async fn search_users(
    state: web::Data<AppState>,
    auth: Auth,
    query: QueryArgs<SearchUsersQuery>,
) -> ApiResult<Reply> {
    list(&state, &auth, query.parse()).await
}

/// (OIDC Token) Registers the caller.
#[api_v2_operation(
    operation_id = "RegisterSelf",
    summary = "(OIDC Token) Registers the user into the system.",
    description = "Use this method to register yourself into the application. By using this method, you recognize that your personal information will be processed by the API administrators.",
    tags(users)
)]
pub async fn register_self(state: web::Data<AppState>, auth: Auth) -> ApiResult<Reply> {
    let who = auth.identify(&state).await?;
    let user = state.users.register(&who).await?;
    Ok(Reply::created(&UserOut::from(user)))
}

/// (Admins) Removes users.
#[api_v2_operation(
    operation_id = "RemoveUsers",
    summary = "(Admins) Removes one or more users from the system.",
    description = "Use this method to remove users from the system; every item they uploaded is removed with them.",
    tags(users)
)]
pub async fn remove_users(
    state: web::Data<AppState>,
    auth: Auth,
    query: QueryArgs<RemoveUsersQuery>,
) -> ApiResult<Reply> {
    let admin = auth.admin(&state).await?;
    let q = query.parse()?;
    state.users.remove(&admin, &filter(&q)).await?;
    Ok(Reply::no_content())
}

/// (OIDC Token) The caller's user.
#[api_v2_operation(
    operation_id = "GetSelf",
    summary = "(OIDC Token) Retrieves the logged in user info.",
    description = "Use this method to retrieve your user data stored in the database.",
    tags(users)
)]
pub async fn get_self(state: web::Data<AppState>, auth: Auth) -> ApiResult<Reply> {
    let who = auth.identify(&state).await?;
    Ok(Reply::ok(&UserOut::from(state.users.get_self(&who).await?)))
}

/// (Users) Refreshes the caller's e-mail.
#[api_v2_operation(
    operation_id = "UpdateSelf",
    summary = "(Users) Updates the logged in user info.",
    description = "Use this method to update your user data in the database from your OIDC token information.",
    tags(users)
)]
pub async fn update_self(state: web::Data<AppState>, auth: Auth) -> ApiResult<Reply> {
    let user = auth.user(&state).await?;
    state.users.update_self(&user).await?;
    Ok(Reply::no_content())
}

/// (Admins) 204 when the caller is an admin.
#[api_v2_operation(
    operation_id = "TryAdmin",
    summary = "(Admins) Returns 204 if you are admin.",
    description = "Use this method to check whether your account has administrator rights.",
    tags(users)
)]
pub async fn try_admin(state: web::Data<AppState>, auth: Auth) -> ApiResult<Reply> {
    // The answer is whether the admin capability is granted.
    auth.admin(&state).await?;
    Ok(Reply::no_content())
}

/// Registers the `/users` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/users").route(web::get().to(list_users)))
        .service(web::resource("/users:register").route(web::post().to(register_self)))
        .service(web::resource("/users:remove").route(web::post().to(remove_users)))
        .service(web::resource("/users:search").route(web::get().to(search_users)))
        .service(web::resource("/users/self").route(web::get().to(get_self)))
        .service(web::resource("/users/self:update").route(web::post().to(update_self)))
        .service(web::resource("/users/self:try_admin").route(web::get().to(try_admin)));
}
