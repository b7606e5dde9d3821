//! Every rule's examples (`fixtures/rules/ID/{bad,good}.yaml`, which `explain` prints): the bad one
//! fires the rule, the fixed one does not, each run the way its first line says.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use airbyte_ingress::findings::Rule;

/// The command an example is checked with: its `# airbyte-ingress ...` line, else `validate`
/// (with `-f` and the example).
fn command_of(text: &str) -> Vec<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("# airbyte-ingress "))
        .unwrap_or("validate")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The rule ids a run reported, from its JSON report (validate) or its stderr (migrate).
fn fired(file: &str) -> Vec<String> {
    let text = common::text(file);
    let mut args = command_of(&text);
    // `FILE` stands for the example itself (a manifest: `validate -m FILE`); values go with `-f`;
    // a `scan` names the file or the folder it scans
    match args.iter().position(|a| a == "FILE") {
        Some(i) => args[i] = file.to_string(),
        None if args[0] != "scan" => {
            args.splice(1..1, ["-f".to_string(), file.to_string()]);
        }
        None => {}
    }
    let reports = matches!(args[0].as_str(), "validate" | "scan" | "abctl");
    if reports {
        args.extend(["--format".into(), "json".into()]);
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = common::run(&argv);
    // the rules of inputs that cannot be used stop the run (exit 2), with a report all the same
    let stops = file.contains("/input-") || file.contains("/usage-error/");
    if !(stops && file.ends_with("bad.yaml")) {
        assert_ne!(r.code, 2, "{file}: {}", r.transcript());
    } else {
        assert_eq!(r.code, 2, "{file}: {}", r.transcript());
    }
    if reports {
        let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    } else {
        r.stderr
            .lines()
            .filter_map(|l| l.split("warning[").nth(1))
            .filter_map(|l| l.split(']').next())
            .map(str::to_string)
            .collect()
    }
}

#[test]
fn every_rule_fires_on_its_bad_example_and_not_on_the_fixed_one() {
    // a probe rule's examples describe the proxy in front of a running Airbyte: `tests/probe.rs`
    // starts such proxies and fires every one of them
    for r in Rule::all()
        .iter()
        .filter(|r| r.info().scope != airbyte_ingress::findings::Scope::Probe)
    {
        let id = r.id();
        let bad = fired(&format!("fixtures/rules/{id}/bad.yaml"));
        assert!(
            bad.iter().any(|f| f == id),
            "`{id}` did not fire on its bad example; fired: {bad:?}"
        );
        let good = fired(&format!("fixtures/rules/{id}/good.yaml"));
        assert!(
            !good.iter().any(|f| f == id),
            "`{id}` fired on its fixed example; fired: {good:?}"
        );
    }
}

#[test]
fn every_example_folder_is_a_rule() {
    let dir = common::root().join("fixtures/rules");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            Rule::from_id(&name).is_some(),
            "fixtures/rules/{name} is no rule's"
        );
    }
}

#[test]
fn explain_prints_the_examples_and_when_the_rule_is_checked() {
    let r = common::run(&["explain", "url-invalid"]);
    assert_eq!(r.code, 0);
    let info = Rule::UrlInvalid.info();
    common::assert_has(&r.stdout, info.scope.describe());
    for line in info.bad.lines().chain(info.good.lines()) {
        common::assert_has(&r.stdout, &format!("    {line}\n"));
    }
}
