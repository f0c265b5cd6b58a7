//! The manager's per-video slots: a map kept as a vector sorted by video id.
//!
//! A manager holds a handful of videos (a player has one), so a sorted vector is as fast as a
//! B-tree and far smaller in the browser build's wasm; iteration is in id order, as a
//! `BTreeMap`'s would be.

use std::fmt;

use crate::model::VideoId;

use super::slot::Slot;

/// The slots by video id, in id order.
#[derive(Default)]
pub(super) struct Slots(Vec<(VideoId, Slot)>);

impl Slots {
    fn position(&self, video: &VideoId) -> Result<usize, usize> {
        self.0.binary_search_by(|(id, _)| id.cmp(video))
    }

    /// The slot of `video`, created empty if there is none.
    pub(super) fn get_or_default(&mut self, video: &VideoId) -> &mut Slot {
        let index = match self.position(video) {
            Ok(index) => index,
            Err(index) => {
                self.0.insert(index, (video.clone(), Slot::default()));
                index
            }
        };
        &mut self.0[index].1
    }

    pub(super) fn get(&self, video: &VideoId) -> Option<&Slot> {
        let index = self.position(video).ok()?;
        Some(&self.0[index].1)
    }

    pub(super) fn get_mut(&mut self, video: &VideoId) -> Option<&mut Slot> {
        let index = self.position(video).ok()?;
        Some(&mut self.0[index].1)
    }

    pub(super) fn remove(&mut self, video: &VideoId) -> Option<Slot> {
        let index = self.position(video).ok()?;
        Some(self.0.remove(index).1)
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&VideoId, &Slot)> {
        self.0.iter().map(|(video, slot)| (video, slot))
    }

    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = (&VideoId, &mut Slot)> {
        self.0.iter_mut().map(|(video, slot)| (&*video, slot))
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &Slot> {
        self.0.iter().map(|(_, slot)| slot)
    }
}

impl fmt::Debug for Slots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
