//! What Kubernetes objects (read by [`crate::inputs::manifests`]) say: about the release (its
//! Services, its URL, its chart version) in [`inventory`], a Helm render read back into values in
//! [`release`], the routes they make in [`routes`], the text spans of a stream in [`stream`].

pub mod inventory;
pub mod release;
pub mod routes;
pub mod stream;

pub use crate::inputs::manifests::{Object, read, read_bytes, str_of};
