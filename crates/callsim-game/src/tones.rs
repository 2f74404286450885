//! The game's two sounds, made when the game starts rather than shipped as
//! recordings: the phone ringing and the music a caller hears on hold. Each
//! is a loop of 16-bit mono PCM in a WAV container, the format Bevy's audio
//! decodes with its `wav` feature.
//!
//! Both are quiet and loop without a click: every tone starts and stops on
//! a short fade, and each loop ends in silence or on a note's tail.

use std::f32::consts::TAU;

/// Samples a second: telephone sound needs no more.
pub const RATE: u32 = 22_050;

/// The ring: a two-tone burst twice (0.4 s on, 0.2 s off, 0.4 s on), then
/// two seconds of silence, the cadence of a desk phone; 3 s a loop.
pub fn ring() -> Vec<i16> {
    let mut out = vec![0.0; seconds(3.0)];
    for start in [0.0, 0.6] {
        let from = seconds(start);
        let burst = seconds(0.4);
        for i in 0..burst {
            let t = i as f32 / RATE as f32;
            let tone = 0.5 * (TAU * 400.0 * t).sin() + 0.5 * (TAU * 450.0 * t).sin();
            out[from + i] = 0.35 * tone * fade(i, burst, seconds(0.008));
        }
    }
    to_pcm(&out)
}

/// Hold music: C, A minor, F and G, each arpeggiated in eighth notes over a
/// held bass, in soft triangle waves; 8 s a loop.
pub fn hold_music() -> Vec<i16> {
    const CHORDS: [[u8; 8]; 4] = [
        [60, 64, 67, 72, 67, 64, 60, 64],
        [57, 60, 64, 69, 64, 60, 57, 60],
        [53, 57, 60, 65, 60, 57, 53, 57],
        [55, 59, 62, 67, 62, 59, 55, 59],
    ];
    const NOTE: f32 = 0.25;
    let mut out = vec![0.0; seconds(8.0)];
    for (bar, chord) in CHORDS.iter().enumerate() {
        let bar_start = seconds(bar as f32 * NOTE * 8.0);
        add_note(&mut out, bar_start, seconds(NOTE * 8.0), chord[0] - 24, 0.12);
        for (step, &note) in chord.iter().enumerate() {
            add_note(
                &mut out,
                bar_start + seconds(step as f32 * NOTE),
                seconds(NOTE),
                note,
                0.16,
            );
        }
    }
    to_pcm(&out)
}

/// The samples as a WAV file.
pub fn wav(samples: &[i16]) -> Vec<u8> {
    let data = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // the format chunk's size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes a second
    out.extend_from_slice(&2u16.to_le_bytes()); // bytes a sample
    out.extend_from_slice(&16u16.to_le_bytes()); // bits a sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for sample in samples {
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

fn seconds(s: f32) -> usize {
    (s * RATE as f32).round() as usize
}

/// A plucked triangle-wave note: quick attack, decaying, faded out at its
/// end so the next note starts clean.
fn add_note(out: &mut [f32], start: usize, length: usize, midi: u8, loudness: f32) {
    let hz = 440.0 * 2f32.powf((f32::from(midi) - 69.0) / 12.0);
    for i in 0..length.min(out.len().saturating_sub(start)) {
        let t = i as f32 / RATE as f32;
        let phase = (hz * t).fract();
        let triangle = 4.0 * (phase - 0.5).abs() - 1.0;
        let decay = (-3.0 * t / (length as f32 / RATE as f32)).exp();
        out[start + i] += loudness * triangle * decay * fade(i, length, seconds(0.01));
    }
}

/// A gain that rises over the first `edge` samples of `length` and falls
/// over the last `edge`.
fn fade(i: usize, length: usize, edge: usize) -> f32 {
    let from_edge = i.min(length.saturating_sub(1 + i));
    (from_edge as f32 / edge as f32).min(1.0)
}

fn to_pcm(samples: &[f32]) -> Vec<i16> {
    samples
        .iter()
        .map(|s| (s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peak(samples: &[i16]) -> i16 {
        samples.iter().map(|s| s.saturating_abs()).max().unwrap_or(0)
    }

    fn duration(samples: &[i16]) -> f32 {
        samples.len() as f32 / RATE as f32
    }

    #[test]
    fn the_ring_is_two_bursts_then_silence() {
        let ring = ring();
        assert!((duration(&ring) - 3.0).abs() < 0.01);
        let window = |from: f32, to: f32| peak(&ring[seconds(from)..seconds(to)]);
        assert!(window(0.05, 0.35) > 5_000, "the first burst is heard");
        assert_eq!(window(0.41, 0.59), 0, "a gap between the bursts");
        assert!(window(0.65, 0.95) > 5_000, "the second burst is heard");
        assert_eq!(window(1.01, 3.0), 0, "then silence until the loop starts again");
        assert!(peak(&ring) < i16::MAX / 2, "it rings softly, without clipping");
    }

    #[test]
    fn hold_music_plays_all_through_and_loops_without_a_click() {
        let music = hold_music();
        assert!((duration(&music) - 8.0).abs() < 0.01);
        for second in 0..8 {
            let part = &music[seconds(second as f32)..seconds(second as f32 + 1.0)];
            assert!(peak(part) > 2_000, "music in second {second}");
        }
        assert!(peak(&music) < i16::MAX / 2, "soft, and never clipping");
        let (first, last) = (music[0], music[music.len() - 1]);
        assert!(
            first.abs() < 200 && last.abs() < 200,
            "the loop's ends meet near silence ({first}, {last})"
        );
    }

    fn u32_at(file: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([file[at], file[at + 1], file[at + 2], file[at + 3]])
    }

    #[test]
    fn a_wav_file_says_its_format_and_holds_every_sample() {
        let samples = [0, 1, -1, i16::MAX, i16::MIN];
        let file = wav(&samples);
        assert_eq!(&file[0..4], b"RIFF");
        assert_eq!(&file[8..16], b"WAVEfmt ");
        assert_eq!(u32_at(&file, 4), 36 + 10);
        assert_eq!(u16::from_le_bytes([file[20], file[21]]), 1, "PCM");
        assert_eq!(u16::from_le_bytes([file[22], file[23]]), 1, "mono");
        assert_eq!(u32_at(&file, 24), RATE);
        assert_eq!(u16::from_le_bytes([file[34], file[35]]), 16, "16-bit");
        assert_eq!(&file[36..40], b"data");
        assert_eq!(u32_at(&file, 40), 10);
        let back: Vec<i16> = file[44..]
            .chunks(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        assert_eq!(back, samples);
    }
}
