//! `callsim translate export | import | status`: the trainer's side of
//! translating a scenario, reading and writing the files around
//! `callsim_translate`, which does the work.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use callsim_core::scenario::{Loaded, load_file};
use callsim_translate::{Format, export, import, status};

use crate::cli::{TranslateCommand, TranslationFormat};

pub fn run(command: TranslateCommand) -> ExitCode {
    let result = match command {
        TranslateCommand::Export {
            file,
            lang,
            output,
            format,
        } => export_cmd(&file, &lang, output.as_deref(), format),
        TranslateCommand::Import {
            file,
            translations,
            lang,
            partial,
        } => return import_cmd(&file, &translations, lang.as_deref(), partial),
        TranslateCommand::Status { file } => load(&file).and_then(|loaded| {
            let st = status(&loaded).map_err(|e| format!("error: {e}"))?;
            print!("{st}");
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The scenario, or its errors as `check` prints them.
fn load(file: &Path) -> Result<Loaded, String> {
    load_file(file).map_err(|e| {
        format!(
            "{}error: `{}` has errors; fix them first (`callsim check {0}`)",
            e.render(),
            file.display()
        )
    })
}

fn export_cmd(
    file: &Path,
    lang: &str,
    output: Option<&Path>,
    format: Option<TranslationFormat>,
) -> Result<(), String> {
    let loaded = load(file)?;
    if let Some(out) = output
        && std::fs::canonicalize(out).ok() == std::fs::canonicalize(file).ok()
    {
        return Err(format!(
            "error: `{}` is the scenario itself; write the texts to another file, e.g. -o {lang}.csv",
            out.display()
        ));
    }
    let format = match (format, output) {
        (Some(TranslationFormat::Csv), _) => Format::Csv,
        (Some(TranslationFormat::Xliff), _) => Format::Xliff,
        (None, Some(out)) => Format::of_file_name(&out.display().to_string()),
        (None, None) => Format::Csv,
    };
    let e = export(&loaded, lang, format).map_err(|e| format!("error: {e}"))?;
    if let Some(w) = &e.warning {
        eprintln!("warning: {w}");
    }
    match output {
        Some(out) => std::fs::write(out, &e.bytes)
            .map_err(|err| format!("error: cannot write {}: {err}", out.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&e.bytes)
                .and_then(|()| stdout.flush())
                .map_err(|err| format!("error: cannot write the texts: {err}"))?;
        }
    }
    let whereto = output.map_or_else(|| "standard output".to_owned(), |o| o.display().to_string());
    eprintln!(
        "wrote {whereto}: {} texts of {} to translate into `{lang}` ({} typed-reply examples); {} translated already, {} stale, {} to do",
        e.texts,
        file.display(),
        e.examples,
        e.translated,
        e.stale,
        e.texts - e.translated
    );
    if !e.no_source.is_empty() {
        eprintln!(
            "note: {} texts have no `{}` text to translate from and were left out: {}",
            e.no_source.len(),
            loaded.scenario.default_language,
            e.no_source.join(", ")
        );
    }
    if let Some(out) = output {
        let work = match format {
            Format::Csv => format!("fill in the `{lang}` column"),
            Format::Xliff => "translate it in a translation tool".to_owned(),
        };
        eprintln!(
            "next: {work}, then `callsim translate import {} {}`",
            file.display(),
            out.display()
        );
    }
    Ok(())
}

fn import_cmd(file: &Path, translations: &Path, lang: Option<&str>, partial: bool) -> ExitCode {
    let fail = |message: String| {
        eprintln!("{message}");
        ExitCode::FAILURE
    };
    let loaded = match load(file) {
        Ok(loaded) => loaded,
        Err(message) => return fail(message),
    };
    let bytes = match std::fs::read(translations) {
        Ok(bytes) => bytes,
        Err(err) => return fail(format!("error: cannot read {}: {err}", translations.display())),
    };
    let name = translations.display().to_string();
    let i = match import(&loaded, &bytes, &name, lang, partial) {
        Ok(i) => i,
        Err(failure) => {
            print!("{}", failure.render());
            return fail(format!("nothing written to {}", file.display()));
        }
    };
    print!("{}", i.render(&loaded.source));
    let errors = i.errors();
    let Some(written) = &i.written else {
        if errors > 0 && partial {
            return fail(format!(
                "nothing written to {}: no entry of {name} without an error had anything new",
                file.display()
            ));
        }
        if errors > 0 {
            let s = if errors == 1 { "" } else { "s" };
            return fail(format!(
                "nothing written to {}: {errors} error{s} in {name}; fix {}, or pass --partial to write the entries without errors",
                file.display(),
                if errors == 1 { "it" } else { "them" }
            ));
        }
        println!("{}: nothing to write ({})", file.display(), i.summary());
        return crate::cli::check(&[file.to_owned()], false);
    };
    if let Err(err) = replace(file, written) {
        return fail(format!(
            "error: cannot write {}: {err}; it is unchanged",
            file.display()
        ));
    }
    println!("wrote {}: {}", file.display(), i.summary());
    let checked = crate::cli::check(&[file.to_owned()], false);
    if errors > 0 { ExitCode::FAILURE } else { checked }
}

/// Writes `text` to `file` through a hidden file beside it and a rename,
/// so a crash or a full disk never leaves half a scenario (and the game's
/// folder watcher ignores the hidden file).
fn replace(file: &Path, text: &str) -> std::io::Result<()> {
    let name = file
        .file_name()
        .map_or_else(|| "scenario".into(), |n| n.to_string_lossy().into_owned());
    let tmp: PathBuf = file.with_file_name(format!(".{name}.translate-tmp"));
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(file) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
