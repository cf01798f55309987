//! `/benchmarks`: the moderated catalog of benchmark images and their result schemas.

use domain::benchmark::{Benchmark, BenchmarkDraft, BenchmarkFilter};
use serde_json::{Map, Value};

use crate::{
    body::{Field, FieldKind, string},
    params::{Kind, Param, Query, sort_by},
    routes::{
        dto::BenchmarkOut,
        moderated::{
            KindDocs, ModeratedRoutes, NoParent, OperationDoc, moderated_bodies, moderated_list_query,
        },
    },
};

moderated_list_query!(
    /// `GET /benchmarks` parameters.
    ListBenchmarksQuery: [
        Param::opt("docker_image", Kind::Str, "String with a docker hub container name"),
        Param::opt("docker_tag", Kind::Str, "String with a docker hub container tag"),
        sort_by(
            "\"+docker_image\"",
            "Order to return the results (coma separated).<br>Generic fields: [id,upload_datetime]<br>Specific fields: [docker_image,docker_tag]",
        ),
    ]
);

const FIELDS: &[Field] = &[
    Field { name: "docker_image", kind: FieldKind::Str, required: true },
    Field { name: "docker_tag", kind: FieldKind::Str, required: true },
    Field { name: "url", kind: FieldKind::Str, required: true },
    Field { name: "json_schema", kind: FieldKind::Object, required: true },
    Field { name: "description", kind: FieldKind::Str, required: false },
];

moderated_bodies!(CreateBenchmarkBody = "CreateBenchmark", BenchmarkBody = "Benchmark", FIELDS);

fn draft(body: &Map<String, Value>) -> BenchmarkDraft {
    BenchmarkDraft {
        docker_image: string(body, "docker_image").unwrap_or_default(),
        docker_tag: string(body, "docker_tag").unwrap_or_default(),
        url: string(body, "url").unwrap_or_default(),
        json_schema: body.get("json_schema").cloned().unwrap_or_default(),
        description: string(body, "description"),
    }
}

/// The `/benchmarks` routes. Reads of one benchmark and the admin actions on it refuse query
/// parameters.
pub struct BenchmarkRoutes;

impl ModeratedRoutes for BenchmarkRoutes {
    type Item = Benchmark;
    type Out = BenchmarkOut;
    type Parent = NoParent;
    type ListQuery = ListBenchmarksQuery;
    type CreateBody = CreateBenchmarkBody;
    type UpdateBody = BenchmarkBody;

    const COLLECTION: &'static str = "/benchmarks";
    const ITEM: &'static str = "/benchmarks/{benchmark_id}";
    const STRICT_QUERY: bool = true;
    const DOCS: KindDocs = KindDocs {
        list: OperationDoc {
            id: "ListBenchmarks",
            tag: "benchmarks",
            summary: "(Public) Filter and list benchmarks.",
            description: "Use this method to get a list of benchmarks filtered according to your\nrequirements. The response returns a pagination object with the\nfiltered benchmarks (if succeeds).",
        },
        search: OperationDoc {
            id: "SearchBenchmarks",
            tag: "benchmarks",
            summary: "(Public) Filter and list benchmarks.",
            description: "Use this method to get a list of benchmarks based on a general search\nof terms in the 'docker_image', 'docker_tag' or 'description' fields.",
        },
        create: OperationDoc {
            id: "CreateBenchmark",
            tag: "benchmarks",
            summary: "(Users) Upload a new benchmark.",
            description: "Use this method to create a new benchmarks in the database so it can\nbe accessed by the application users. The method returns the complete\ncreated benchmark (if succeeds).\n\nNote: Benchmark use JSON Schemas to implement results validation.",
        },
        get: OperationDoc {
            id: "GetBenchmark",
            tag: "benchmarks",
            summary: "(Public) Retrieve benchmark details.",
            description: "Use this method to retrieve a specific benchmark from the database.",
        },
        update: OperationDoc {
            id: "UpdateBenchmark",
            tag: "benchmarks",
            summary: "(Admins) Implement JSON Put for benchmarks.",
            description: "Use this method to update a specific benchmark from the database.",
        },
        delete: OperationDoc {
            id: "DeleteBenchmark",
            tag: "benchmarks",
            summary: "(Admins) Delete an existing benchmark.",
            description: "Use this method to delete a specific benchmark from the database.",
        },
        approve: OperationDoc {
            id: "ApproveBenchmark",
            tag: "benchmarks",
            summary: "(Admins) Approve a benchmark to include it on default list methods.",
            description: "Use this method to approve an specific benchmark submitted by an user.\nIt is a custom method, as side effect, it removes the submit report\nassociated as it is no longer needed.",
        },
        reject: OperationDoc {
            id: "RejectBenchmark",
            tag: "benchmarks",
            summary: "(Admins) Reject a benchmark to safe delete it.",
            description: "Use this method instead of DELETE as it raises 422 in case the\nresource was already approved.",
        },
    };

    fn filter(_: NoParent, q: &Query) -> BenchmarkFilter {
        BenchmarkFilter { docker_image: q.str("docker_image"), docker_tag: q.str("docker_tag") }
    }

    fn new_item(_: NoParent, body: &Map<String, Value>) -> BenchmarkDraft {
        draft(body)
    }

    fn draft(body: &Map<String, Value>) -> BenchmarkDraft {
        draft(body)
    }
}
