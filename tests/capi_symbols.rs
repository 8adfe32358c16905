//! The functions libovrnet.so exports and the functions include/ovrnet.h declares must be the same
//! set: a declared-but-missing symbol breaks linking games, an undeclared export is an unreviewed
//! ABI promise.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Exports allowed to be absent from the header, each with the reason. None so far.
const EXPORTED_BUT_UNDECLARED: &[&str] = &[];

/// `target/<profile>/deps`: where cargo puts the cdylib it builds for this test run.
fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent().expect("test binary lives in target/<profile>/deps").to_path_buf()
}

/// Names of the functions declared at top level of the generated header: a statement that is not
/// a comment, preprocessor line or typedef, contains `(` and ends with `);`. cbindgen wraps long
/// parameter lists over several lines, so lines are joined until the statement ends.
fn declared_functions(header: &str) -> BTreeSet<String> {
    let mut statements = vec![];
    let mut pending = String::new();
    for line in header.lines().map(str::trim) {
        if pending.is_empty() && (line.starts_with("//") || line.starts_with('#') || line.starts_with('*')) {
            continue;
        }
        if !pending.is_empty() {
            pending.push(' ');
        }
        pending.push_str(line);
        // A declaration with an open parameter list continues on the next line.
        if pending.matches('(').count() > pending.matches(')').count() {
            continue;
        }
        statements.push(std::mem::take(&mut pending));
    }
    statements
        .iter()
        .filter(|line| line.ends_with(");") && !line.starts_with("typedef"))
        .filter_map(|line| {
            let before_paren = &line[..line.find('(')?];
            let name = before_paren.split_whitespace().last()?.trim_start_matches('*');
            Some(name.to_owned())
        })
        .collect()
}

/// Names of the code symbols the shared library defines and exports.
fn exported_functions(lib: &Path) -> BTreeSet<String> {
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib)
        .output()
        .expect("nm (binutils) must be installed");
    assert!(out.status.success(), "nm failed on {}", lib.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (_addr, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
            matches!(kind, "T" | "W" | "i").then(|| name.to_owned())
        })
        .collect()
}

#[test]
fn exports_match_header() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(root.join("include/ovrnet.h")).expect("read header");
    let declared = declared_functions(&header);
    assert!(declared.len() > 20, "header parse found too little: {declared:?}");

    let lib = deps_dir().join("libovrnet.so");
    let exported = exported_functions(&lib);

    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(missing.is_empty(), "declared in ovrnet.h but not exported: {missing:?}");

    let undeclared: Vec<_> = exported
        .difference(&declared)
        .filter(|name| !EXPORTED_BUT_UNDECLARED.contains(&name.as_str()))
        .collect();
    assert!(undeclared.is_empty(), "exported but not in ovrnet.h: {undeclared:?}");
}

/// Function names the SDK table (`sdk/surface.tsv`) lists.
fn table_functions(root: &Path) -> BTreeSet<String> {
    let table = std::fs::read_to_string(root.join("sdk/surface.tsv")).expect("read sdk/surface.tsv");
    table
        .lines()
        .filter_map(|line| line.strip_prefix("fn\t"))
        .filter_map(|rest| rest.split('\t').next())
        .map(str::to_owned)
        .collect()
}

/// Exports that are ovrnet's own, not the original SDK's: the extension init/shutdown and
/// statistics.
fn is_extension(name: &str) -> bool {
    name.starts_with("ovrnet_")
}

#[test]
fn every_sdk_function_of_the_table_is_exported_and_declared_and_nothing_else_is() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = table_functions(root);
    assert!(table.len() > 900, "the table lists the whole SDK: {} functions", table.len());
    let header = std::fs::read_to_string(root.join("include/ovrnet.h")).expect("read header");
    let declared = declared_functions(&header);
    let exported = exported_functions(&deps_dir().join("libovrnet.so"));

    let not_exported: Vec<_> = table.difference(&exported).collect();
    assert!(not_exported.is_empty(), "in sdk/surface.tsv but not exported: {not_exported:?}");
    let not_declared: Vec<_> = table.difference(&declared).collect();
    assert!(not_declared.is_empty(), "in sdk/surface.tsv but not in ovrnet.h: {not_declared:?}");
    let not_in_table: Vec<_> = exported.difference(&table).filter(|name| !is_extension(name)).collect();
    assert!(
        not_in_table.is_empty(),
        "exported but neither in sdk/surface.tsv nor an extension: {not_in_table:?}"
    );
}

#[test]
fn every_original_header_file_name_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(root.join("sdk/surface.tsv")).expect("read sdk/surface.tsv");
    let names: Vec<&str> = table.lines().filter_map(|line| line.strip_prefix("header\t")).collect();
    assert!(names.len() > 200, "the table lists the original header names: {}", names.len());
    let missing: Vec<_> = names.iter().filter(|name| !root.join("include").join(name).is_file()).collect();
    assert!(missing.is_empty(), "header names without a file in include/: {missing:?}");
}

#[test]
fn header_parser_reads_declarations() {
    let sample = "// bool not_this(void);\nbool ovrID_ToString(char *out, size_t n, ovrID id);\n\
                  const char *ovrSendPolicy_ToString(ovrSendPolicy value);\n\
                  typedef void (*Callback)(int);\n\
                  ovrRequest ovr_Room_CreateAndJoinPrivate2(ovrRoomJoinPolicy joinPolicy,\n\
                  \x20   unsigned int maxUsers,\n\
                  \x20   ovrRoomOptionsHandle roomOptions);\n";
    let names = declared_functions(sample);
    let expected: BTreeSet<String> =
        ["ovrID_ToString", "ovrSendPolicy_ToString", "ovr_Room_CreateAndJoinPrivate2"]
            .into_iter()
            .map(String::from)
            .collect();
    assert_eq!(names, expected);
}
