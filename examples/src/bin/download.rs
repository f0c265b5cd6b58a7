//! Download a video, decrypting its AES-128 segments, to a `.ts` file any player (and ffprobe)
//! accepts, with a progress bar.
//!
//! `ANSDEV_API_KEY=ak_… cargo run -p examples --bin download -- vid_demo_encrypted video.ts [480p]`

#![allow(clippy::print_stdout)] // a command-line program prints

use std::process::ExitCode;

use examples::{client_from_env, run};
use indicatif::{ProgressBar, ProgressStyle};

fn main() -> ExitCode {
    run(async {
        let mut args = std::env::args().skip(1);
        let (Some(video_id), Some(output)) = (args.next(), args.next()) else {
            return Err("usage: download VIDEO_ID OUTPUT.ts [RENDITION]".into());
        };
        let rendition = args.next();

        let client = client_from_env()?;
        let video = client.get_video(&video_id).await?;
        let playback = client.playback(&video);
        let mut file = tokio::fs::File::create(&output).await?;

        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} segments, {bytes}",
            )?
            .progress_chars("=> "),
        );
        bar.set_message(video.title.clone());
        let summary = playback
            .download(rendition.as_deref(), &mut file, |p| {
                bar.set_length(p.segments_total as u64);
                bar.set_position(p.segments_done as u64);
            })
            .await?;
        bar.finish();
        println!(
            "wrote {} ({} segments of {}, {:.1} s, {} bytes{})",
            output,
            summary.segments,
            summary.rendition,
            summary.duration.as_secs_f64(),
            summary.bytes,
            if summary.encrypted { ", decrypted" } else { "" }
        );
        Ok(())
    })
}
