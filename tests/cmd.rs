//! CLI cases kept as files (`tests/cmd/*.trycmd`): each holds commands as a user types them, their
//! output and exit code, and reads as documentation. The README's `console` examples run the same
//! way, so the README cannot drift from what the tool prints. Refresh with `TRYCMD=overwrite` and
//! review the diff like code.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin(
            "airbyte-ingress",
            std::path::PathBuf::from(env!("CARGO_BIN_EXE_airbyte-ingress")),
        )
        .case("tests/cmd/*.trycmd")
        .case("tests/cmd/*.toml")
        .case("README.md");
}
