//! The `flavor` table as a moderated kind, with its spec columns.

use domain::{
    RepoError,
    flavor::{Flavor, FlavorDraft, FlavorFilter, FlavorSort, NewFlavor},
    flavor_spec::{
        Amount, Count, Currency, FlavorSpec, FlavorSpecPatch, Gib, Gpus, Label, Price, PricePeriod, SpecError,
    },
};
use sea_orm::{ColumnTrait, Condition, Set};

use super::moderated::{ColumnOf, SeaModerated, exact, moderated_column, moderated_columns};
use crate::entity::flavor::{self, Column};

moderated_columns!(flavor);

impl SeaModerated for Flavor {
    type Entity = flavor::Entity;

    fn submitted(m: flavor::Model) -> Result<NewFlavor, RepoError> {
        let spec = FlavorSpecPatch::setting(stored_spec(&m)?);
        Ok(NewFlavor {
            site_id: m.site_id.into(),
            draft: FlavorDraft { name: m.name, description: m.description, spec },
        })
    }

    fn own_columns(&self) -> flavor::ActiveModel {
        let (name, description) = (Set(self.name.clone()), Set(self.description.clone()));
        let spec = &self.spec;
        let (gpus, price) = (spec.gpus.as_ref(), spec.price.as_ref());
        flavor::ActiveModel {
            name,
            description,
            site_id: Set(self.site_id.uuid()),
            vcpus: Set(spec.vcpus.map(stored_count)),
            memory_gib: Set(spec.memory_gib.map(Gib::get)),
            gpu_model: Set(gpus.map(|g| g.model.as_str().to_owned())),
            gpu_count: Set(gpus.map(|g| stored_count(g.count))),
            architecture: Set(spec.architecture.as_ref().map(|l| l.as_str().to_owned())),
            disk_gib: Set(spec.disk_gib.map(Gib::get)),
            region: Set(spec.region.as_ref().map(|l| l.as_str().to_owned())),
            price_amount: Set(price.map(|p| p.amount.get())),
            price_currency: Set(price.map(|p| p.currency.as_str().to_owned())),
            price_per: Set(price.map(|p| p.per.as_str().to_owned())),
            price_as_of: Set(price.map(|p| p.as_of)),
            ..Default::default()
        }
    }

    /// Always within one site.
    fn condition(filter: &FlavorFilter) -> Condition {
        exact(&[(Column::Name, &filter.name)]).add(Column::SiteId.eq(filter.site_id.uuid()))
    }

    fn search_columns() -> Vec<ColumnOf<Self>> {
        vec![Column::Name, Column::Description]
    }

    fn sort_column(field: &FlavorSort) -> Column {
        match *field {
            FlavorSort::Moderation(common) => moderated_column(common),
            FlavorSort::Name => Column::Name,
            FlavorSort::Description => Column::Description,
            FlavorSort::SiteId => Column::SiteId,
        }
    }
}

/// A count as stored (`INTEGER`); a count never exceeds `i32::MAX` (`MAX_COUNT`).
fn stored_count(count: Count) -> i32 {
    i32::try_from(count.get()).unwrap_or(i32::MAX)
}

/// The spec a row stores. GPUs and prices are stored in several columns that are all set or
/// all null.
///
/// # Errors
/// `Backend` for a value the domain refuses or a half-stored GPU or price.
fn stored_spec(m: &flavor::Model) -> Result<FlavorSpec, RepoError> {
    let half = |what: &str| RepoError::Backend(format!("flavor {}: {what} partly stored", m.id));
    let label = |value: &Option<String>, column: &'static str| {
        value.as_deref().map(Label::new).transpose().map_err(bad(column))
    };
    let gpus = match (&m.gpu_model, m.gpu_count) {
        (Some(model), Some(count)) => Some(Gpus {
            model: Label::new(model).map_err(bad("gpu_model"))?,
            count: Count::new(count.into()).map_err(bad("gpu_count"))?,
        }),
        (None, None) => None,
        _ => return Err(half("gpus")),
    };
    let price = match (m.price_amount, &m.price_currency, &m.price_per, m.price_as_of) {
        (Some(amount), Some(currency), Some(per), Some(as_of)) => Some(Price {
            amount: Amount::new(amount).map_err(bad("price_amount"))?,
            currency: Currency::new(currency).map_err(bad("price_currency"))?,
            per: PricePeriod::new(per).map_err(bad("price_per"))?,
            as_of,
        }),
        (None, None, None, None) => None,
        _ => return Err(half("price")),
    };
    Ok(FlavorSpec {
        vcpus: m.vcpus.map(|n| Count::new(n.into())).transpose().map_err(bad("vcpus"))?,
        memory_gib: m.memory_gib.map(Gib::new).transpose().map_err(bad("memory_gib"))?,
        gpus,
        architecture: label(&m.architecture, "architecture")?,
        disk_gib: m.disk_gib.map(Gib::new).transpose().map_err(bad("disk_gib"))?,
        region: label(&m.region, "region")?,
        price,
    })
}

/// A stored value of `column` the domain refuses.
fn bad(column: &'static str) -> impl Fn(SpecError) -> RepoError {
    move |e| RepoError::Backend(format!("flavor.{column}: {e}"))
}
