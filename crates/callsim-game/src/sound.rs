//! What the trainee hears: the phone ringing on the incoming-call screen and
//! music while the caller is on hold, when sound is on in the settings.
//!
//! Deciding what should sound ([`SoundCue`]), reading a scenario's own
//! recording and checking that it decodes are the game's logic and run
//! everywhere, the headless tests included. Playing needs Bevy's audio,
//! which the `sound` feature brings in (on Linux it needs the ALSA headers
//! to build, so the default build leaves it out). Without an audio device
//! the game plays on in silence: Bevy warns once and plays nothing.

use bevy::prelude::*;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::GameSystems;
use super::library::Scenarios;
use super::records::Records;
use super::screens::Screen;
use super::session::{LiveCall, NextCall};

/// Whether this build can play sound at all.
pub const BUILT_WITH_SOUND: bool = cfg!(feature = "sound");

/// A sound the game plays, on a loop, while its moment lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sound {
    /// The phone ringing, until the trainee answers.
    Ring,
    /// Music for the caller on hold, until the hold ends.
    HoldMusic,
}

/// What to play: a sound, from the scenario's own file where its `assets`
/// name one, else the game's own.
#[derive(Debug, Clone)]
pub struct Cue {
    pub sound: Sound,
    /// The file the scenario names for it (Ogg Vorbis or WAV).
    pub file: Option<PathBuf>,
    /// That file's content, read when the cue began, if it decodes; `None`
    /// plays the game's own sound.
    pub recording: Option<Arc<[u8]>>,
}

/// What should be heard now; `None` is silence.
#[derive(Resource, Debug, Default, Clone)]
pub struct SoundCue(pub Option<Cue>);

/// The sound for a moment of the game.
pub fn sound(screen: Screen, on_hold: bool, sound_on: bool) -> Option<Sound> {
    if !sound_on {
        return None;
    }
    match screen {
        Screen::Incoming => Some(Sound::Ring),
        Screen::Call | Screen::ClassVote if on_hold => Some(Sound::HoldMusic),
        _ => None,
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SoundCue>();
    app.add_systems(Update, follow.after(GameSystems::Tick));
}

/// The output side, with a window: makes the sounds and plays the cue.
#[cfg(feature = "sound")]
pub(super) fn output_plugin(app: &mut App) {
    app.add_systems(Startup, output::make_tones);
    app.add_systems(
        Update,
        output::play.after(follow).run_if(resource_changed::<SoundCue>),
    );
}

fn follow(
    screen: Res<State<Screen>>,
    next: Option<Res<NextCall>>,
    live: Option<Res<LiveCall>>,
    scenarios: Res<Scenarios>,
    records: Res<Records>,
    mut cue: ResMut<SoundCue>,
) {
    let screen = *screen.get();
    let on_hold = live.as_ref().is_some_and(|live| live.hold.is_some());
    let wanted = sound(screen, on_hold, records.settings.sound).map(|sound| {
        let model = match sound {
            Sound::Ring => next.as_ref().map(|next| &next.model),
            Sound::HoldMusic => live.as_ref().map(|live| live.call.model()),
        };
        let file = model.and_then(|model| {
            let assets = &model.scenario.assets;
            let name = match sound {
                Sound::Ring => assets.ringtone.as_ref(),
                Sound::HoldMusic => assets.hold_music.as_ref(),
            }?;
            let entry = scenarios.find(&model.scenario.id)?;
            Some(entry.file.parent()?.join(name))
        });
        (sound, file)
    });
    let playing = cue.0.as_ref().map(|cue| (cue.sound, cue.file.clone()));
    if playing == wanted {
        return;
    }
    // A new cue: read its file now (afresh, so a trainer's new recording
    // is heard at the next ring).
    cue.0 = wanted.map(|(sound, file)| {
        let recording = file.as_deref().and_then(|file| match recording(file) {
            Ok(bytes) => Some(bytes),
            Err(why) => {
                warn!("{}: {why}; playing the game's own sound instead", file.display());
                None
            }
        });
        Cue {
            sound,
            file,
            recording,
        }
    });
}

/// A scenario's sound file, decoded once here because Bevy's player stops
/// the program on a file it cannot decode.
pub fn recording(file: &Path) -> Result<Arc<[u8]>, String> {
    let bytes: Arc<[u8]> = std::fs::read(file)
        .map_err(|err| format!("cannot read it ({err})"))?
        .into();
    decodes(bytes.clone())?;
    Ok(bytes)
}

/// Whether `bytes` are a sound callsim can play.
fn decodes(bytes: Arc<[u8]>) -> Result<rodio::Decoder<Cursor<Arc<[u8]>>>, String> {
    rodio::Decoder::builder()
        .with_byte_len(bytes.len() as u64)
        .with_data(Cursor::new(bytes))
        .build()
        .map_err(|err| format!("not a sound callsim can play ({err}); use Ogg Vorbis or WAV"))
}

#[cfg(feature = "sound")]
mod output {
    use bevy::audio::{AudioPlayer, AudioSource, PlaybackSettings, Volume};
    use bevy::prelude::*;

    use super::{Sound, SoundCue};
    use crate::tones;

    /// The game's own sounds.
    #[derive(Resource)]
    pub struct Tones {
        ring: Handle<AudioSource>,
        hold_music: Handle<AudioSource>,
    }

    /// The entity playing the current cue.
    #[derive(Component)]
    pub struct Playing;

    pub fn make_tones(mut commands: Commands, mut sources: ResMut<Assets<AudioSource>>) {
        let mut add = |samples: Vec<i16>| {
            sources.add(AudioSource {
                bytes: tones::wav(&samples).into(),
            })
        };
        commands.insert_resource(Tones {
            ring: add(tones::ring()),
            hold_music: add(tones::hold_music()),
        });
    }

    /// Stops what plays and starts the new cue (dropping a player stops
    /// it).
    pub fn play(
        mut commands: Commands,
        cue: Res<SoundCue>,
        tones: Res<Tones>,
        mut sources: ResMut<Assets<AudioSource>>,
        playing: Query<Entity, With<Playing>>,
    ) {
        for entity in &playing {
            commands.entity(entity).despawn();
        }
        let Some(cue) = &cue.0 else { return };
        let source = match (&cue.recording, cue.sound) {
            (Some(bytes), _) => sources.add(AudioSource { bytes: bytes.clone() }),
            (None, Sound::Ring) => tones.ring.clone(),
            (None, Sound::HoldMusic) => tones.hold_music.clone(),
        };
        commands.spawn((
            Name::new("Sound"),
            Playing,
            AudioPlayer(source),
            PlaybackSettings::LOOP.with_volume(Volume::Linear(0.8)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phone_rings_until_answered_and_music_plays_only_on_hold() {
        assert_eq!(sound(Screen::Incoming, false, true), Some(Sound::Ring));
        assert_eq!(sound(Screen::Call, false, true), None);
        assert_eq!(sound(Screen::Call, true, true), Some(Sound::HoldMusic));
        assert_eq!(sound(Screen::ClassVote, true, true), Some(Sound::HoldMusic));
        assert_eq!(sound(Screen::Debrief, false, true), None);
        assert_eq!(sound(Screen::Picker, false, true), None);
    }

    #[test]
    fn sound_off_is_silence() {
        for screen in [Screen::Incoming, Screen::Call, Screen::ClassVote] {
            assert_eq!(sound(screen, true, false), None);
        }
    }

    #[test]
    fn the_shipped_recordings_decode_and_a_broken_one_is_refused() {
        let sounds = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios/sounds");
        for name in ["ring.ogg", "ringback.ogg", "hold-music.ogg"] {
            let source = recording(&sounds.join(name));
            assert!(source.is_ok(), "{name}: {:?}", source.err());
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        let broken = dir.path().join("ring.ogg");
        std::fs::write(&broken, b"OggS but not really").expect("the broken file is written");
        let refused = |file: &Path| match recording(file) {
            Ok(_) => panic!("{} should be refused", file.display()),
            Err(why) => why,
        };
        let why = refused(&broken);
        assert!(why.contains("Ogg Vorbis or WAV"), "{why}");
        let why = refused(&dir.path().join("missing.ogg"));
        assert!(why.starts_with("cannot read it"), "{why}");
    }

    #[test]
    fn the_games_own_sounds_decode_sample_for_sample() {
        for samples in [crate::tones::ring(), crate::tones::hold_music()] {
            let decoder = decodes(crate::tones::wav(&samples).into()).expect("the WAV decodes");
            assert_eq!(decoder.count(), samples.len());
        }
    }
}
