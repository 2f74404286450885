//! `callsim new`: a small, valid, commented scenario to start from.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

const STARTER: &str = include_str!("starter.ron");

/// The starter scenario with `name` as its title and a plain id derived
/// from it; `file` is named in its comments.
pub fn starter(name: &str, file: &Path) -> String {
    STARTER
        .replace("{ID}", &slug(name))
        .replace("{TITLE}", &name.replace('"', "'"))
        .replace("{FILE}", &file.display().to_string())
}

/// `name` as an id: lower-case letters and digits joined by dashes.
pub fn slug(name: &str) -> String {
    let mut id = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_owned();
    if id.is_empty() {
        "new-scenario".to_owned()
    } else {
        id
    }
}

/// Where `callsim new NAME` writes: `NAME` itself if it ends in `.ron`,
/// else `scenarios/<slug>.ron`.
pub fn target(name: &str) -> PathBuf {
    if name.ends_with(".ron") {
        PathBuf::from(name)
    } else {
        Path::new("scenarios").join(format!("{}.ron", slug(name)))
    }
}

/// Writes the starter for `name`, refusing to overwrite an existing file.
pub fn create(name: &str) -> Result<PathBuf, String> {
    let file = target(name);
    let title = file
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|_| name.ends_with(".ron"))
        .map_or_else(|| name.to_owned(), |stem| stem.replace(['-', '_'], " "));
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!(
                    "{} already exists; choose another name or delete it first",
                    file.display()
                )
            }
            _ => format!("cannot write {}: {e}", file.display()),
        })?;
    out.write_all(starter(&title, &file).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_plain_ids() {
        assert_eq!(slug("The Lost Parcel!"), "the-lost-parcel");
        assert_eq!(slug("  --  "), "new-scenario");
        assert_eq!(target("Lost parcel"), Path::new("scenarios/lost-parcel.ron"));
        assert_eq!(target("x/y.ron"), Path::new("x/y.ron"));
    }
}
