//! The published schema and values loading, checked against the real Helm 4: the schema file is
//! current, Helm's own validator accepts and rejects what `validate` does, and the merged values
//! equal what Helm hands to templates.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn committed_schema_matches_the_model() {
    let committed = common::text("schemas/values.schema.json");
    assert!(
        committed == airbyte_ingress::model::schema_text(),
        "schemas/values.schema.json is stale: run `cargo run -- schema > schemas/values.schema.json`"
    );
    let r = common::run(&["schema"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, committed);
}

/// A chart of our own: the chart defaults we model as values.yaml, our schema as values.schema.json,
/// and a template that prints the values Helm computed.
fn test_chart(with_schema: bool) -> common::TempDir {
    let dir = common::tempdir(&format!("chart-{with_schema}"));
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: airbyte\nversion: 2.2.0\n",
    )
    .unwrap();
    std::fs::copy(
        common::root().join("src/runs/chart_defaults.yaml"),
        dir.join("values.yaml"),
    )
    .unwrap();
    std::fs::write(dir.join("templates/values.json"), "{{ toJson .Values }}\n").unwrap();
    if with_schema {
        std::fs::copy(
            common::root().join("schemas/values.schema.json"),
            dir.join("values.schema.json"),
        )
        .unwrap();
    }
    dir
}

fn helm_template(helm: &Path, chart: &Path, args: &[String]) -> std::process::Output {
    Command::new(helm)
        .args(["template", "airbyte"])
        .arg(chart)
        .args(args)
        .current_dir(common::root())
        .output()
        .expect("helm runs")
}

const SCHEMA_RULES: &[&str] = &[
    "unknown-key",
    "wrong-type",
    "value-invalid",
    "enabled-not-boolean",
    "annotation-not-string",
];

#[test]
fn helm_accepts_and_rejects_with_our_schema_as_validate_does() {
    let Some(helm) = common::helm() else { return };
    let chart = test_chart(true);
    let mut rejected = 0;
    for f in common::fixtures("valid")
        .into_iter()
        .chain(common::fixtures("invalid"))
    {
        let file = common::rel(&f);
        let ours = common::run(&["validate", "-f", &file, "--format", "json"]);
        let report: Value = serde_json::from_str(&ours.stdout).unwrap();
        let schema_error = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| SCHEMA_RULES.contains(&f["rule"].as_str().unwrap()));
        let out = helm_template(&helm, &chart, &["-f".into(), file.clone()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            !out.status.success(),
            schema_error,
            "{file}: helm says {stderr}, we say {}",
            ours.stdout
        );
        if schema_error {
            assert!(
                stderr.contains("values don't meet the specifications of the schema"),
                "{file}: {stderr}"
            );
            rejected += 1;
        }
    }
    assert!(
        rejected >= 5,
        "only {rejected} fixtures exercised the schema"
    );
}

/// Numbers compared by value: Helm's JSON writes 1000, ours may write 1000.0.
fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        other => other,
    }
}

#[test]
fn merged_values_equal_helms() {
    let Some(helm) = common::helm() else { return };
    let chart = test_chart(false);
    let dir = common::tempdir("helm-values");
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let a = write(
        "a.yaml",
        "ingress:\n  enabled: true\n  className: nginx\n  annotations:\n    x: \"1\"\n    y: keep\n  hosts:\n    - host: a.example\n      paths: [{path: /, pathType: Prefix, backend: server}]\nlist: [1, 2, 3]\n",
    );
    let b = write(
        "b.yaml",
        "ingress:\n  className: null\n  annotations:\n    x: null\n  hosts:\n    - host: b.example\nlist: [9]\nglobal: {edition: enterprise}\n",
    );
    let multi = write(
        "multi.yaml",
        "p: {q: 1, r: 2}\n---\np: {s: 3, r: null}\n---\n",
    );
    let yaml11 = write(
        "yaml11.yaml",
        "a: yes\nb: off\nc: 0755\nd: 0x1f\ne: 1e3\nf: ~\ny: 1\nn: [on, n, y]\n",
    );
    let crlf = write("crlf.yaml", "\u{feff}ingress:\r\n  enabled: true\r\n");
    let dup = write(
        "dup.yaml",
        "server:\n  env_vars:\n    K: one\n    K: two\nglobal:\n  x: {a: 1}\n  x: {b: 2}\n",
    );
    let cases: Vec<Vec<String>> = vec![
        vec!["-f".into(), a.clone()],
        vec!["-f".into(), a.clone(), "-f".into(), b.clone()],
        vec!["-f".into(), b.clone(), "-f".into(), a.clone()],
        vec!["-f".into(), multi],
        vec!["-f".into(), yaml11],
        vec!["-f".into(), crlf],
        vec![
            "-f".into(),
            a.clone(),
            "--set".into(),
            "ingress.hosts[0].host=c.example,ingress.enabled=false".into(),
        ],
        vec![
            "-f".into(),
            a.clone(),
            "--set".into(),
            "ingress.hosts[2].host=z".into(),
        ],
        vec![
            "-f".into(),
            a.clone(),
            "--set".into(),
            "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/x=600".into(),
        ],
        vec![
            "--set".into(),
            "ingress.className=null,global.airbyteUrl=null,other=null".into(),
        ],
        vec![
            "--set".into(),
            "a=1".into(),
            "--set-string".into(),
            "a=2".into(),
            "--set-json".into(),
            "a=3".into(),
        ],
        vec![
            "--set-json".into(),
            "ingress.hosts=[{\"host\":\"j.example\",\"paths\":[{\"path\":\"/\"}]}]".into(),
            "--set".into(),
            "ingress.hosts[0].paths[0].backend=server".into(),
        ],
        vec![
            "--set".into(),
            "l={a,b,007,-3,true}".into(),
            "--set".into(),
            "m=x\\,y".into(),
        ],
        vec!["--set".into(), "ingress.tls[1].hosts[0]=t.example".into()],
        // an empty value ending the argument under a new list item: Helm drops the item
        vec!["--set".into(), "a.b[1].c=".into()],
        vec!["--set".into(), "a.b[1].c=,d=1".into()],
        vec![
            "--set".into(),
            "a.b[0].c=x".into(),
            "--set".into(),
            "a.b[0].d=".into(),
        ],
        vec!["--set".into(), "a.".into()],
        // --set-file and --set-literal, and the order Helm applies the flags in
        vec!["--set-file".into(), format!("text={dup}")],
        vec!["--set-literal".into(), "a.b=x,y=z\\".into()],
        vec![
            "--set-literal".into(),
            "k=literal".into(),
            "--set-file".into(),
            format!("k={dup},j={dup}"),
            "--set-string".into(),
            "j=string".into(),
            "--set".into(),
            "k=set".into(),
        ],
        // a key given twice where this tool does not read it: Helm keeps the later one
        vec!["-f".into(), dup.clone()],
    ];
    for args in cases {
        let ours = {
            let mut argv = vec!["values".to_string()];
            argv.extend(args.iter().cloned());
            let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
            let r = common::run(&argv);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            numbers_as_f64(serde_json::from_str(&r.stdout).unwrap())
        };
        let out = helm_template(&helm, &chart, &args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let json = text
            .lines()
            .find(|l| l.starts_with('{'))
            .expect("helm printed the values");
        let helms = numbers_as_f64(serde_json::from_str(json).unwrap());
        assert_eq!(ours, helms, "{args:?}");
    }
}

/// Our `values` and Helm's `template` on the same arguments: the same values, or both refuse.
fn same_as_helm(helm: &Path, chart: &Path, args: &[String]) {
    let ours = {
        let mut argv = vec!["values".to_string()];
        argv.extend(args.iter().cloned());
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        common::run(&argv)
    };
    let out = helm_template(helm, chart, args);
    let helm_err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        assert_eq!(
            ours.code, 2,
            "{args:?}: Helm refused ({helm_err}) but we gave\n{}",
            ours.stdout
        );
        assert!(ours.stdout.is_empty(), "{args:?}: partial output");
        return;
    }
    assert_eq!(
        ours.code, 0,
        "{args:?}: Helm accepted, we refused: {}",
        ours.stderr
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let json = text
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("helm printed the values");
    assert_eq!(
        numbers_as_f64(serde_json::from_str(&ours.stdout).unwrap()),
        numbers_as_f64(serde_json::from_str(json).unwrap()),
        "{args:?}"
    );
}

/// Helm refuses to go below a value of another type (`--set x.a=1 --set x.a.b=v`), whichever
/// flags set the two: so do we.
#[test]
fn type_conflicts_are_refused_as_helm_refuses_them() {
    let Some(helm) = common::helm() else { return };
    let chart = test_chart(false);
    let dir = common::tempdir("conflicts");
    let file = dir.join("x.yaml");
    std::fs::write(&file, "x:\n  a: 1\n  n: null\n").unwrap();
    let file = file.display().to_string();
    let cases: &[&[&str]] = &[
        &["--set", "x.a=[1]", "--set-string", "x.a.b=v"],
        &["--set", "x.a=1", "--set", "x.a[0]=v"],
        &["--set", "x.a=null,x.a.b=v"],
        &["--set-json", "x.a=1.5", "--set-literal", "x.a.b=v"],
        &["--set", "x.a={1,2}", "--set-file", "x.a.b=Cargo.toml"],
        &["--set", "x[0]=1", "--set", "x[0][0]=v"],
        &["-f", &file, "--set", "x.a.b=v"],
        &["-f", &file, "--set", "x.n.b=v"],
        &["-f", &file, "--set", "x.a[1]=v"],
        // what Helm does accept: a null item becomes a list, any item a map, a JSON object merges
        &["--set", "x[0]=null", "--set", "x[0][1]=v"],
        &["--set", "x[0]=1", "--set", "x[0].b=v"],
        &["--set", "a.c=2", "--set-json", "{\"a\":{\"b\":1}}"],
        &["--set-json", "{\"a\":1}x"],
    ];
    for case in cases {
        let args: Vec<String> = case.iter().map(|s| s.to_string()).collect();
        same_as_helm(&helm, &chart, &args);
    }
}

/// Random mixes of the five `--set` flags over a few shared names, each run through Helm and
/// through us (a fixed seed, so a failure repeats; `AIRBYTE_INGRESS_SEED` tries another).
#[test]
fn random_set_mixes_equal_helms() {
    let Some(helm) = common::helm() else { return };
    let chart = test_chart(false);
    let dir = common::tempdir("mixes");
    let file = dir.join("f.txt");
    std::fs::write(&file, "from a file\n").unwrap();
    let file = file.display().to_string();
    let mut seed: u64 = std::env::var("AIRBYTE_INGRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_a1b7);
    let mut next = move |n: usize| {
        // xorshift64
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    const CASES: usize = 60;
    for _ in 0..CASES {
        let mut args = Vec::new();
        for _ in 0..1 + next(4) {
            let mut name = ["a", "b"][next(2)].to_string();
            for _ in 0..next(3) {
                match next(3) {
                    0 => name.push_str(&format!("[{}]", next(3))),
                    _ => name.push_str(&format!(".{}", ["a", "b", "c"][next(3)])),
                }
            }
            let (flag, value) = match next(5) {
                0 => (
                    "--set",
                    ["1", "true", "null", "x", "{1,2}", "007"][next(6)].to_string(),
                ),
                1 => ("--set-string", ["1", "s", "true"][next(3)].to_string()),
                2 => (
                    "--set-json",
                    ["1", "\"s\"", "[1,{\"k\":2}]", "{\"k\":{\"j\":1}}", "null"][next(5)]
                        .to_string(),
                ),
                3 => ("--set-file", file.clone()),
                _ => ("--set-literal", ["x,y", "1", ""][next(3)].to_string()),
            };
            args.push(flag.to_string());
            args.push(format!("{name}={value}"));
        }
        same_as_helm(&helm, &chart, &args);
    }
}

/// `--subchart NAME` gives exactly the values Helm passes to that dependency of an umbrella chart:
/// its block, the parent's `global` merged over the block's own.
#[test]
fn subchart_values_equal_what_helm_gives_the_dependency() {
    let Some(helm) = common::helm() else { return };
    let dir = common::tempdir("helm-umbrella");
    let parent = dir.join("platform");
    let sub = parent.join("charts/airbyte");
    std::fs::create_dir_all(sub.join("templates")).unwrap();
    std::fs::create_dir_all(parent.join("templates")).unwrap();
    std::fs::write(
        parent.join("Chart.yaml"),
        "apiVersion: v2\nname: platform\nversion: 1.0.0\ndependencies:\n  - name: airbyte\n    version: 2.2.0\n",
    )
    .unwrap();
    std::fs::write(parent.join("values.yaml"), "{}\n").unwrap();
    std::fs::write(
        sub.join("Chart.yaml"),
        "apiVersion: v2\nname: airbyte\nversion: 2.2.0\n",
    )
    .unwrap();
    std::fs::copy(
        common::root().join("src/runs/chart_defaults.yaml"),
        sub.join("values.yaml"),
    )
    .unwrap();
    std::fs::write(sub.join("templates/values.json"), "{{ toJson .Values }}\n").unwrap();
    let values = dir.join("umbrella.yaml");
    std::fs::write(
        &values,
        "global:\n  airbyteUrl: https://airbyte.corp.example\n  edition: enterprise\n  shared: {a: 1}\nairbyte:\n  global:\n    edition: community\n    auth: {enabled: true}\n    shared: {b: 2}\n  ingress:\n    enabled: true\n    hosts:\n      - host: airbyte.corp.example\n        paths: [{path: /, pathType: Prefix, backend: server}]\nother:\n  ingress: {enabled: true}\n",
    )
    .unwrap();
    let values = values.display().to_string();
    let ours = common::run(&[
        "values",
        "-f",
        &values,
        "--subchart",
        "airbyte",
        "--set",
        "airbyte.server.service.port=9000",
    ]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let ours = numbers_as_f64(serde_json::from_str(&ours.stdout).unwrap());
    let out = Command::new(&helm)
        .args(["template", "r"])
        .arg(&parent)
        .args(["-f", &values, "--set", "airbyte.server.service.port=9000"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let json = text
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("helm printed the values");
    let helms = numbers_as_f64(serde_json::from_str(json).unwrap());
    assert_eq!(ours, helms);
    assert_eq!(
        helms["global"]["edition"], "enterprise",
        "the parent's global wins"
    );
}
