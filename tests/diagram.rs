//! The block diagram `doc/shell.svg` that `vfpga generate` draws from the
//! shell's netlist, and its copy for the default design in `docs/shell.svg`
//! (the README shows it). Refresh the copy with
//! `VFPGA_UPDATE_GOLDEN=1 cargo test --test diagram`.

use std::path::Path;
use std::process::Command;

use vfpga::config::Config;
use vfpga::design::build;
use vfpga::diagram::SVG_PATH;

fn svg_of(cfg: &Config) -> String {
    let d = build(cfg);
    d.files.iter().find(|f| f.path == SVG_PATH).unwrap_or_else(|| panic!("no {SVG_PATH} in the design")).contents.clone()
}

/// Well-formed XML as far as this SVG goes: a prolog, comments, elements
/// with quoted attributes, text without markup; every element closed in order.
fn check_xml(s: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = s.trim_start();
    rest = rest.strip_prefix("<?xml").and_then(|r| r.split_once("?>")).map(|(_, r)| r).expect("an XML declaration");
    while let Some(i) = rest.find('<') {
        let text = &rest[..i];
        assert!(!text.contains('>'), "stray `>` in text {text:?}");
        if text.contains('&') {
            for part in text.split('&').skip(1) {
                assert!(part.split_once(';').is_some_and(|(e, _)| e.len() <= 6), "bare `&` in {text:?}");
            }
        }
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("<!--") {
            let (c, r) = r.split_once("-->").expect("comment closed");
            assert!(!c.contains("--"), "`--` in a comment");
            rest = r;
            continue;
        }
        let end = rest.find('>').expect("tag closed");
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "closing tag out of order");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().expect("a tag name").to_string();
        assert!(tag.matches('"').count() % 2 == 0, "unbalanced quotes in <{tag}>");
        assert!(!tag.contains('<'), "`<` inside <{tag}>");
        if !self_closing {
            stack.push(name);
        }
    }
    assert!(rest.trim().is_empty(), "text after the root element");
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
}

#[test]
fn committed_diagram_is_the_default_designs() {
    let svg = svg_of(&Config::default());
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/shell.svg");
    if std::env::var_os("VFPGA_UPDATE_GOLDEN").is_some() {
        std::fs::write(&committed, &svg).unwrap();
    }
    let old = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        old == svg,
        "docs/shell.svg is not what `vfpga generate` draws for the default design: \
         refresh it with `VFPGA_UPDATE_GOLDEN=1 cargo test --test diagram` and commit it"
    );
}

#[test]
fn diagrams_are_well_formed_and_deterministic_for_every_partition_count() {
    for partitions in [1, 8, 9, 64] {
        let cfg = Config { partitions, vfs: 64, ..Config::default() };
        let svg = svg_of(&cfg);
        check_xml(&svg);
        if partitions == 9 {
            assert_eq!(svg, svg_of(&cfg), "two different drawings of {partitions} partitions");
        }
        for block in ["bar", "dma", "switch", "ctx", "mgr", "prc", "partition_p0", "rp_p0"] {
            assert!(svg.contains(&format!(">{block}</text>")), "{block} not drawn for {partitions} partitions");
        }
        assert!(svg.contains(&format!("{partitions} reconfigurable partition")), "{partitions}");
        let drawn = (0..partitions).filter(|i| svg.contains(&format!(">partition_p{i}</text>"))).count();
        if partitions <= 8 {
            assert_eq!(drawn, partitions);
        } else {
            assert_eq!(drawn, 7, "partitions beyond 7 collapse into one box");
            assert!(svg.contains(&format!(">partition_p7..p{}</text>", partitions - 1)));
        }
    }
}

#[test]
fn generate_writes_the_diagram_and_lists_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = Command::new(env!("CARGO_BIN_EXE_vfpga"))
        .args(["generate", "--partitions", "2", "--vfs", "3", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(out.join(SVG_PATH)).unwrap();
    assert!(svg.contains("2 partitions, 3 VFs"), "{svg}");
    let m = vfpga::output::Manifest::read(&out).unwrap();
    assert!(m.files.iter().any(|f| f.path == SVG_PATH), "{SVG_PATH} not in manifest.json");
}
