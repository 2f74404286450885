//! The facilitator's results page in a real browser (headless Chromium):
//! after a scripted class has played, the page shows who joined, their
//! scores, and the turn the class found hardest with the replies chosen there.

mod hub_support;

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use callsim_core::Debrief;
use callsim_trainee::class::Mode;
use hub_support::*;

/// The browser `CALLSIM_TEST_CHROMIUM` names (CI sets it: it must work), or
/// one on the PATH, or none.
fn chromium() -> Option<String> {
    let works = |name: &str| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Ok(named) = std::env::var("CALLSIM_TEST_CHROMIUM") {
        assert!(works(&named), "CALLSIM_TEST_CHROMIUM={named} does not run");
        return Some(named);
    }
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| works(name))
        .map(str::to_owned)
}

/// The page's DOM as the browser has it once loaded. No virtual-time budget:
/// the page's open event stream would keep virtual time from ever running
/// out, and the page is rendered by the hub, not by its script.
fn dump_dom(browser: &str, url: &str) -> String {
    let profile = tempfile::tempdir().expect("a fresh profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read both pipes while waiting, so that a large DOM cannot fill one and stall the browser.
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = read(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = read(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    // A browser that hangs fails the test instead of stalling the suite.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("chromium can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish loading {url} within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (
        stdout.join().expect("stdout read"),
        stderr.join().expect("stderr read"),
    );
    assert!(
        status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&stderr)
    );
    String::from_utf8(stdout).expect("the DOM is UTF-8")
}

/// The HTML of the element that starts with `open`, up to `close`.
fn element<'a>(dom: &'a str, open: &str, close: &str) -> &'a str {
    let start = dom
        .find(open)
        .unwrap_or_else(|| panic!("the page has {open}:\n{dom}"));
    let end = dom[start..].find(close).map_or(dom.len(), |e| start + e);
    &dom[start..end]
}

#[test]
fn the_facilitator_sees_the_class_in_a_browser() {
    let Some(browser) = chromium() else {
        eprintln!(
            "skipped the results page test: chromium is not installed (apt-get install chromium, or set CALLSIM_TEST_CHROMIUM)"
        );
        return;
    };
    let hub = sqlite_hub();
    let c = client(&hub);
    let (join_code, secret) = class(&c, "Monday intake", Mode::Practice);
    let reference = model(REFERENCE);

    // Ana plays the best replies, Ben and Chen their own ways; Dan joins late.
    let plays: [(&str, Vec<Debrief>); 3] = [
        ("Ana", vec![play(&reference, 21, best)]),
        (
            "Ben",
            vec![
                play(&reference, 22, last_spoken),
                play(&reference, 23, last_spoken),
            ],
        ),
        ("Chen", vec![play(&reference, 24, first)]),
    ];
    for (name, debriefs) in &plays {
        let joined = c.join(&join_code, name).expect("joins");
        for d in debriefs {
            c.upload(&joined.token, &upload_of(d)).expect("stored");
        }
    }
    c.join(&join_code, "Dan").expect("joins");

    let created_url = format!("{}/class/{}?key={secret}", hub.url(), join_code.replace('-', ""));
    let dom = dump_dom(&browser, &created_url);

    assert!(!dom.contains(&secret), "the key is not left on the projector");
    assert!(element(&dom, "<h1>", "</h1>").contains("Monday intake"));
    assert!(element(&dom, "id=\"join-code\"", "</strong>").contains(&join_code));
    assert!(
        dom.contains("4 joined, 4 attempts"),
        "{}",
        element(&dom, "<h2>Trainees", "</h2>")
    );

    // Each trainee's best attempt at the reference scenario.
    for (name, debriefs) in &plays {
        let best = debriefs
            .iter()
            .max_by_key(|d| u16::from(d.respect.percent) + u16::from(d.sincerity.percent))
            .expect("played");
        let row = element(&dom, &format!("<tr data-trainee=\"{name}\">"), "</tr>");
        let cell = element(row, &format!("data-scenario=\"{REFERENCE}\""), "</td>");
        assert!(
            cell.contains(&format!("R {}", best.respect.percent)),
            "{name}: {cell}"
        );
        assert!(
            cell.contains(&format!("S {}", best.sincerity.percent)),
            "{name}: {cell}"
        );
        let n = debriefs.len();
        assert!(cell.contains(&format!("{n} attempt")), "{name}: {cell}");
    }
    let dan = element(&dom, "<tr data-trainee=\"Dan\">", "</tr>");
    assert!(
        dan.contains("—") && !dan.contains("R "),
        "Dan has not played: {dan}"
    );

    // The class's respect average over the counted attempts.
    let counted: Vec<u8> = plays
        .iter()
        .map(|(_, ds)| {
            ds.iter()
                .map(|d| (d.respect.percent, d.sincerity.percent))
                .max_by_key(|(r, s)| u16::from(*r) + u16::from(*s))
                .expect("played")
                .0
        })
        .collect();
    let mean = counted.iter().map(|r| f64::from(*r)).sum::<f64>() / counted.len() as f64;
    let averages = element(&dom, "id=\"averages\"", "</section>");
    assert!(
        averages.contains(&format!("{mean:.0}")),
        "respect average {mean:.0}: {averages}"
    );

    // The hardest turn: where most chosen replies had negative points.
    let mut at_node: BTreeMap<String, (i64, BTreeMap<String, i64>)> = BTreeMap::new();
    for d in plays.iter().flat_map(|(_, ds)| ds) {
        for t in &d.turns {
            let entry = at_node.entry(t.turn.node.clone()).or_default();
            if t.turn.points.total() < 0 {
                entry.0 += 1;
            }
            *entry.1.entry(t.turn.reply.clone()).or_default() += 1;
        }
    }
    let (node, (negative, replies)) = at_node
        .iter()
        .max_by(|a, b| {
            let (an, ar) = (a.1.0, a.1.1.values().sum::<i64>());
            let (bn, br) = (b.1.0, b.1.1.values().sum::<i64>());
            an.cmp(&bn).then((an * br).cmp(&(bn * ar))).then(b.0.cmp(a.0))
        })
        .expect("turns were played");
    assert!(*negative > 0, "the scripted class lost points somewhere");
    let reached: i64 = replies.values().sum();
    let hardest = element(
        &dom,
        &format!("<article data-scenario=\"{REFERENCE}\">"),
        "</article>",
    );
    assert!(
        hardest.contains(&format!("{negative} of {reached}")),
        "hardest turn at `{node}`: {negative} of {reached} lost points:\n{hardest}"
    );
    let caller = reference
        .scenario
        .nodes
        .iter()
        .find(|n| &n.id == node)
        .map(|n| reference.scenario.text(&n.says[0].text, "en").to_owned())
        .expect("the node exists");
    assert!(
        hardest.contains(&caller),
        "the caller's line at `{node}`: {caller}\n{hardest}"
    );
    for (reply, count) in replies {
        let item = element(hardest, &format!("data-reply=\"{reply}\""), "</li>");
        assert!(
            item.contains(&format!("{count}×")),
            "{reply} chosen {count} times: {item}"
        );
    }
    let other = element(&dom, "<article data-scenario=\"on-hold-too-long\">", "</article>");
    assert!(other.contains("Not played yet."));

    // Without the key, the page is closed.
    let closed = dump_dom(
        &browser,
        &format!("{}/class/{}", hub.url(), join_code.replace('-', "")),
    );
    assert!(closed.contains("Open the results link"), "{closed}");
    assert!(!closed.contains("Ana"));
}
