//! The crate's module layering, checked from the source text: which top-level modules of `src/`
//! each module names through `crate::<module>` paths in code (comments are not dependencies).
//! There must be no cycle, and the low layers must stay low. `docs/architecture.md` draws the
//! same graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules named by `crate::<module>` paths in the code of `text`.
fn named_modules(file: &Path, text: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            assert!(
                !rest.starts_with('{'),
                "{}: `crate::{{…}}` hides which modules are used; import from the modules by name: {line}",
                file.display()
            );
            let module: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            assert!(
                module.chars().next().is_some_and(|c| c.is_ascii_lowercase()),
                "{}: name the module, not a crate-root re-export: {line}",
                file.display()
            );
            named.insert(module);
        }
    }
    named
}

/// The dependency graph among the library's top-level modules (`src/lib.rs` and the `veclite`
/// binary in `src/bin` are not modules of the library).
fn module_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative.components().next().unwrap().as_os_str().to_str().unwrap();
        let module = top.trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "bin" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(named_modules(&file, &text).into_iter().filter(|m| *m != module));
    }
    graph
}

/// A cycle through `node`, if the graph has one reachable from it.
fn find_cycle(
    graph: &Graph,
    node: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut cycle = path[at..].to_vec();
        cycle.push(node.to_owned());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_owned());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(cycle) = find_cycle(graph, next, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(node.to_owned());
    None
}

fn render(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(m, deps)| format!("{m} -> {}", deps.iter().cloned().collect::<Vec<_>>().join(" ")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn modules_have_no_dependency_cycle() {
    let graph = module_graph();
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = find_cycle(&graph, module, &mut Vec::new(), &mut done) {
            panic!("module cycle: {}\n\nthe graph:\n{}", cycle.join(" -> "), render(&graph));
        }
    }
}

#[test]
fn low_layers_depend_only_on_lower_layers() {
    let graph = module_graph();
    let allowed: &[(&str, &[&str])] = &[
        ("error", &[]),
        ("params", &["error"]),
        ("simd", &[]),
        ("bitset", &[]),
        ("storage", &["bitset", "error", "params"]),
        ("index", &["bitset", "context", "error", "params", "simd", "storage"]),
        ("search", &["bitset", "column", "context", "error", "index", "params", "simd"]),
        ("catalog", &["error", "params", "schema", "storage"]),
    ];
    for (module, may_use) in allowed {
        let uses = &graph[*module];
        let extra: Vec<_> = uses.iter().filter(|m| !may_use.contains(&m.as_str())).collect();
        assert!(
            extra.is_empty(),
            "`{module}` may use only {may_use:?}, but uses {extra:?}\n\n{}",
            render(&graph)
        );
    }
}

#[test]
fn the_checker_sees_dependencies_and_cycles() {
    let text = "use crate::alpha::X; // crate::comment\nfn f() { crate::beta::g(); }";
    let named = named_modules(Path::new("x.rs"), text);
    assert_eq!(named, BTreeSet::from(["alpha".to_owned(), "beta".to_owned()]));
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(m, d)| (m.to_owned(), BTreeSet::from([d.to_owned()])))
        .collect();
    let cycle = find_cycle(&graph, "a", &mut Vec::new(), &mut BTreeSet::new()).unwrap();
    assert_eq!(cycle, ["a", "b", "c", "a"]);
}
