"""Cross-checks of deploy/ that schema validation cannot do.

Every failed check is printed; the exit status is 1 when any failed.
"""
import json
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def load(name):
    return yaml.safe_load((K8S / name).read_text())


kustomization = load("kustomization.yaml")
for resource in kustomization["resources"]:
    check((K8S / resource).is_file(), f"kustomization lists missing {resource}")
docs = {r: load(r) for r in kustomization["resources"]}
by_kind = {d["kind"]: d for d in docs.values()}

deployment, service = by_kind["Deployment"], by_kind["Service"]
pod = deployment["spec"]["template"]
labels = pod["metadata"]["labels"]
check(deployment["spec"]["selector"]["matchLabels"].items() <= labels.items(),
      "Deployment selector does not match its pod labels")
check(service["spec"]["selector"].items() <= labels.items(), "Service selects no API pod")
container = pod["spec"]["containers"][0]
port_names = {p["name"] for p in container["ports"]}
for port in service["spec"]["ports"]:
    check(port["targetPort"] in port_names, f"Service port {port['name']} targets an unnamed port")
for probe, path in [("startupProbe", "/health/live"), ("livenessProbe", "/health/live"),
                    ("readinessProbe", "/health/ready")]:
    check(container[probe]["httpGet"]["path"] == path, f"{probe} must probe {path}")
    check(container[probe]["httpGet"]["port"] in port_names, f"{probe} uses an unknown port")
security = container["securityContext"]
check(security.get("readOnlyRootFilesystem") is True, "root filesystem must be read-only")
check(pod["spec"]["securityContext"].get("runAsNonRoot") is True, "pods must run as non-root")
check("requests" in container["resources"], "the API container needs resource requests")

config = by_kind["ConfigMap"]
config_names = {config["metadata"]["name"]}
env = config["data"]
secret_mounts = {v["name"]: v["secret"]["secretName"] for v in pod["spec"]["volumes"] if "secret" in v}
secret_paths = {m["mountPath"] for m in container["volumeMounts"] if m["name"] in secret_mounts}
for key, value in env.items():
    check(isinstance(value, str), f"ConfigMap value {key} must be a string")
    if key.endswith("_FILE"):
        check(any(value.startswith(p + "/") for p in secret_paths), f"{key} points outside the mounted Secret")
    check("PASSWORD" not in key or key.endswith("_FILE"), f"{key}: secrets go through *_FILE")
for workload in (deployment, by_kind["Job"]):
    spec = workload["spec"]["template"]["spec"]
    for c in spec["containers"]:
        for source in c.get("envFrom", []):
            check(source["configMapRef"]["name"] in config_names, f"{workload['kind']} reads an unknown ConfigMap")
check(by_kind["Job"]["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"], "the Job must run migrate")
check(env.get("METRICS_BIND", "").endswith(":9100"), "METRICS_BIND must be the metrics port")

hpa, pdb = by_kind["HorizontalPodAutoscaler"], by_kind["PodDisruptionBudget"]
check(hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"], "HPA scales another Deployment")
check(pdb["spec"]["selector"]["matchLabels"].items() <= labels.items(), "PDB selects no API pod")
check(pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"], "PDB would block every drain")

monitor = by_kind["ServiceMonitor"]
check(monitor["apiVersion"] == "monitoring.coreos.com/v1", "ServiceMonitor apiVersion")
check(monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items(),
      "ServiceMonitor selects no Service")
for endpoint in monitor["spec"]["endpoints"]:
    check(endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}, "ServiceMonitor scrapes an unknown port")
    check(endpoint.get("path") == "/metrics", "ServiceMonitor must scrape /metrics")

for generator in kustomization.get("configMapGenerator", []):
    for file in generator["files"]:
        dashboard = json.loads((K8S / file).read_text())
        exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
        check(exprs and all("eosc_perf_" in e for e in exprs), f"{file}: every panel queries eosc_perf_ metrics")

compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
services = compose["services"]
for name, svc in services.items():
    for dep in svc.get("depends_on", {}):
        check(dep in services, f"compose service {name} depends on unknown {dep}")
    for secret in svc.get("secrets", []):
        check(secret in compose.get("secrets", {}), f"compose service {name} uses unknown secret {secret}")
    context = svc.get("build", {}).get("context")
    if context:
        check((ROOT / "deploy" / context).is_dir(), f"compose build context {context} is missing")
check("backup" in services, "compose needs the nightly backup service")

for message in failures:
    print(f"[deploy] FAIL: {message}")
sys.exit(1 if failures else 0)
