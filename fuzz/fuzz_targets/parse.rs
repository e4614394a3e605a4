//! The spec front end on any bytes: reading a file (UTF-8 check), parsing, outline
//! expansion and display names, and rendering every diagnostic. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = netsplit::runner::source::decode("fuzz.feature", data.to_vec()) else {
        return;
    };
    let loaded = netsplit::spec::load_file(&text);
    for diagnostic in &loaded.diagnostics {
        let _ = diagnostic.render("fuzz.feature", &text, false);
    }
});
