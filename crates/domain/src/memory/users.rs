//! [`UserRepository`] in memory.

use crate::{
    Page, PageRequest, RepoError, SortKey,
    mail::OutboundMail,
    user::{User, UserFilter, UserRepository, UserSort},
};

use super::{
    MemoryStore,
    listing::{Comparator, SortValue, by, matches_terms, page_of, sort_rows},
};

/// The exact filters of lists and of removal.
fn matches_exactly(filter: &UserFilter, user: &User) -> bool {
    filter.sub.as_ref().is_none_or(|v| *v == user.sub)
        && filter.iss.as_ref().is_none_or(|v| *v == user.iss)
        && filter.email.as_ref().is_none_or(|v| *v == user.email)
}

/// The comparator of a sort field.
fn user_column(field: &UserSort) -> Comparator<User> {
    match field {
        UserSort::Sub => by(|u: &User| SortValue::Text(u.sub.clone())),
        UserSort::Iss => by(|u: &User| SortValue::Text(u.iss.clone())),
        UserSort::Email => by(|u: &User| SortValue::Text(u.email.clone())),
        UserSort::RegistrationDatetime => by(|u: &User| SortValue::Time(u.registration_datetime)),
    }
}

#[async_trait::async_trait]
impl UserRepository for MemoryStore {
    async fn find(&self, sub: &str, iss: &str) -> Result<Option<User>, RepoError> {
        Ok(self.lock().users.get(&(sub.to_owned(), iss.to_owned())).cloned())
    }

    async fn insert(&self, user: &User, mail: OutboundMail) -> Result<(), RepoError> {
        let mut tables = self.write();
        let key = (user.sub.clone(), user.iss.clone());
        if tables.users.contains_key(&key) {
            return Err(RepoError::Conflict("user (sub, iss) already registered".into()));
        }
        tables.users.insert(key, user.clone());
        tables.outbox.push(mail);
        Ok(())
    }

    async fn update_email(
        &self,
        sub: &str,
        iss: &str,
        email: &str,
        mail: OutboundMail,
    ) -> Result<(), RepoError> {
        let mut tables = self.write();
        let user = tables.users.get_mut(&(sub.to_owned(), iss.to_owned())).ok_or(RepoError::NotFound)?;
        email.clone_into(&mut user.email);
        tables.outbox.push(mail);
        Ok(())
    }

    async fn list(
        &self,
        filter: &UserFilter,
        sort: &[SortKey<UserSort>],
        page: PageRequest,
    ) -> Result<Page<User>, RepoError> {
        let mut rows: Vec<User> = self
            .lock()
            .users
            .values()
            .filter(|u| matches_exactly(filter, u) && matches_terms(&filter.terms, &[Some(&u.email)]))
            .cloned()
            .collect();
        sort_rows(&mut rows, sort, user_column, |a, b| (&a.iss, &a.sub).cmp(&(&b.iss, &b.sub)));
        Ok(page_of(rows, page))
    }

    async fn remove(&self, filter: &UserFilter) -> Result<u64, RepoError> {
        let mut tables = self.write();
        let doomed: Vec<User> =
            tables.users.values().filter(|u| matches_exactly(filter, u)).cloned().collect();
        for user in &doomed {
            tables.delete_user(&user.key());
        }
        Ok(doomed.len() as u64)
    }
}
