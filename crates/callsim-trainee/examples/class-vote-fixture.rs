//! Sets up a class vote for measuring the game's vote screen
//! (scripts/measure-screens.sh): creates a class on a running hub, enrols
//! a trainee in the game's data folder (as the class screen's *Join* does)
//! and opens a vote on a call, so a game started there with `--open class`
//! is one key press (Enter on *Go to the class vote*) from the vote screen.
//!
//! ```text
//! cargo run --release -p callsim-trainee --example class-vote-fixture -- HUB DATA_DIR [SCENARIO]
//! ```

use callsim_core::call::Mode;
use callsim_core::wire::{NewClass, NewVote};
use callsim_trainee::class::{HubClient, Outbox};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [hub, data_dir, rest @ ..] = args.as_slice() else {
        eprintln!("usage: class-vote-fixture HUB DATA_DIR [SCENARIO]");
        std::process::exit(2);
    };
    let scenario = rest.first().map_or("missing-bonus-number", String::as_str);
    if let Err(e) = run(hub, std::path::Path::new(data_dir), scenario) {
        eprintln!("class-vote-fixture: {e}");
        std::process::exit(1);
    }
}

fn run(hub: &str, data_dir: &std::path::Path, scenario: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = HubClient::new(hub)?;
    let created = client.create_class(&NewClass {
        name: "Idle measurement".into(),
        scenarios: vec![scenario.to_owned()],
        mode: Mode::Practice,
        typing_required: false,
    })?;
    let code = &created.class.join_code;
    std::fs::create_dir_all(data_dir)?;
    let outbox = Outbox::open(&data_dir.join("class-outbox.sqlite3"))?;
    outbox.join(&client, code, "Measure")?;
    let vote = client.open_vote(
        &created.facilitator_secret,
        code,
        &NewVote {
            scenario: scenario.to_owned(),
            seed: 1,
            language: "en".into(),
        },
    )?;
    println!("class {code}, vote {} open on {scenario}", vote.session_id);
    Ok(())
}
