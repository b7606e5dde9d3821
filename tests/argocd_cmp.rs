//! The Argo CD Config Management Plugin in `argocd-cmp/`: its generate command, run as Argo CD's
//! CMP server runs it (in the Application's source folder, with Argo CD's variables), gives the
//! post-rendered stream, and stops the sync on errors; the plugin file, the sidecar image and the
//! patch agree with each other.
// tests may unwrap and print: a failure says why on stderr
#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::print_stdout)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// A chart folder as an Application's source: Helm renders the recorded release render from it.
fn source_folder(dir: &Path, rendered: &str) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("files")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: airbyte\nversion: 2.2.0\n",
    )
    .unwrap();
    std::fs::write(dir.join("files/rendered.yaml"), rendered).unwrap();
    std::fs::write(
        dir.join("templates/all.yaml"),
        "{{ .Files.Get \"files/rendered.yaml\" }}\n",
    )
    .unwrap();
    std::fs::write(dir.join("values-prod.yaml"), "unused: true\n").unwrap();
}

/// Runs the plugin's generate command in `dir` with Argo CD's variables and the parameters.
fn generate(helm: &Path, dir: &Path, params: &[(&str, &str)]) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_airbyte-ingress"));
    let path = format!(
        "{}:{}:{}",
        bin.parent().unwrap().display(),
        helm.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("sh");
    c.arg(common::root().join("argocd-cmp/generate.sh"))
        .current_dir(dir)
        .env("PATH", path)
        .env("ARGOCD_APP_NAME", "airbyte")
        .env("ARGOCD_APP_NAMESPACE", "airbyte")
        .env("HELM_CACHE_HOME", dir.join(".cache"))
        .env("HELM_CONFIG_HOME", dir.join(".config"))
        .env("HELM_DATA_HOME", dir.join(".data"));
    for (k, v) in params {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn generate_replaces_the_ingress_and_stops_the_sync_on_errors() {
    let Some(helm) = common::helm() else { return };
    let rendered = common::text("fixtures/post-render/community-tls.yaml");
    let dir = common::tempdir("cmp-good");
    source_folder(&dir, &rendered);
    let out = generate(
        &helm,
        &dir,
        &[
            ("PARAM_TARGET", "traefik"),
            ("PARAM_VALUES_FILES_0", "values-prod.yaml"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::assert_has(&stdout, "kind: IngressRoute");
    common::assert_has(&stdout, "name: airbyte-airbyte-server-svc");
    assert!(!stdout.contains("kind: Ingress\n"), "{stdout}");
    // `chart` checks and passes the render on unchanged
    let out = generate(&helm, &dir, &[]);
    assert!(out.status.success());
    common::assert_has(&String::from_utf8_lossy(&out.stdout), "kind: Ingress\n");

    // a render whose airbyteUrl names another host than its Ingress: the sync fails, with the
    // finding on stderr (Argo CD shows it) and nothing on stdout
    let bad = rendered.replace(
        "AIRBYTE_URL: \"https://airbyte.example.com\"",
        "AIRBYTE_URL: \"https://airbyte.example.org\"",
    );
    assert_ne!(bad, rendered);
    let dir = common::tempdir("cmp-bad");
    source_folder(&dir, &bad);
    let out = generate(&helm, &dir, &[("PARAM_TARGET", "nginx")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    common::assert_has(&String::from_utf8_lossy(&out.stderr), "url-host-mismatch");
}

#[test]
fn the_plugin_the_image_and_the_patch_agree() {
    let read = |p: &str| common::text(p);
    let plugin = read("argocd-cmp/plugin.yaml");
    let doc = airbyte_ingress::values::parse_document(
        plugin.as_bytes(),
        "plugin.yaml",
        0,
        &Default::default(),
    )
    .unwrap();
    let at = |p: &str| {
        doc.root
            .at(&airbyte_ingress::values::Path::parse(p))
            .unwrap()
            .to_json()
    };
    // what Argo CD's ValidatePluginConfig requires: kind, metadata.name, spec.generate.command
    assert_eq!(at("kind"), "ConfigManagementPlugin");
    assert_eq!(at("metadata.name"), "airbyte-ingress");
    let command = at("spec.generate.command[0]");
    let command = command.as_str().unwrap();
    // the image installs the script where the plugin runs it, and the plugin file where Argo CD
    // reads it
    let dockerfile = read("argocd-cmp/Dockerfile");
    common::assert_has(
        &dockerfile,
        &format!("COPY argocd-cmp/generate.sh {command}"),
    );
    common::assert_has(
        &dockerfile,
        "COPY argocd-cmp/plugin.yaml /home/argocd/cmp-server/config/plugin.yaml",
    );
    let patch = read("argocd-cmp/repo-server-patch.yaml");
    common::assert_has(&patch, "command: [/var/run/argocd/argocd-cmp-server]");
    common::assert_has(&patch, "runAsUser: 999");
    // the parameters the script reads are the ones the plugin announces
    let script = read("argocd-cmp/generate.sh");
    for (param, env) in [
        ("target", "PARAM_TARGET"),
        ("values-files", "PARAM_VALUES_FILES_"),
        ("release-name", "PARAM_RELEASE_NAME"),
    ] {
        common::assert_has(&plugin, &format!("- name: {param}"));
        common::assert_has(&script, env);
    }
}
