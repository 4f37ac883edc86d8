//! The unix socket the client dials: created private to our user (or our user
//! and one group), removed again when the process ends.

use std::fs::{self, Permissions};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use super::error::PluginError;

/// Directory for the socket, as go-plugin's runners set it.
pub const SOCKET_DIR_ENV: &str = "PLUGIN_UNIX_SOCKET_DIR";
/// Group that may also use the socket, by name or id.
pub const SOCKET_GROUP_ENV: &str = "PLUGIN_UNIX_SOCKET_GROUP";

/// A socket file that is removed when this value is dropped.
#[derive(Debug)]
pub struct SocketFile {
    path: PathBuf,
}

impl SocketFile {
    /// Where the socket lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_file(&self.path) {
            tracing::debug!(path = %self.path.display(), %error, "socket file was not removed");
        }
    }
}

/// Binds a fresh socket `plugin<random>` in `dir`.
///
/// Mode 0600, or 0660 with the group changed to `group` when one is given.
/// The socket is created under a restrictive umask so that it is never
/// reachable by others, not even between bind and chmod.
pub fn bind(dir: &Path, group: Option<&str>) -> Result<(UnixListener, SocketFile), PluginError> {
    let gid = group.map(resolve_group).transpose()?;
    let path = dir.join(format!("plugin{:016x}", rand::random::<u64>()));
    let socket_error = |source| PluginError::Socket {
        path: path.clone(),
        source,
    };
    // SAFETY: umask has no memory-safety preconditions. The mask is
    // process-wide, so a file another thread creates meanwhile could only come
    // out with stricter permissions than it asked for.
    let previous = unsafe { libc::umask(0o177) };
    let bound = UnixListener::bind(&path);
    // SAFETY: as above; this restores the mask read a moment ago.
    unsafe { libc::umask(previous) };
    let listener = bound.map_err(socket_error)?;
    let file = SocketFile { path: path.clone() };
    let mode = if gid.is_some() { 0o660 } else { 0o600 };
    fs::set_permissions(&path, Permissions::from_mode(mode)).map_err(socket_error)?;
    if let Some(gid) = gid {
        std::os::unix::fs::chown(&path, None, Some(gid)).map_err(socket_error)?;
    }
    Ok((listener, file))
}

/// Resolves a group id or a group name from `/etc/group`.
fn resolve_group(group: &str) -> Result<u32, PluginError> {
    if let Ok(gid) = group.parse::<u32>() {
        return Ok(gid);
    }
    let table = fs::read_to_string("/etc/group").unwrap_or_default();
    gid_in_group_table(&table, group).ok_or_else(|| PluginError::UnknownGroup(group.to_owned()))
}

/// Finds `name` in `/etc/group` text (`name:password:gid:members`).
fn gid_in_group_table(table: &str, name: &str) -> Option<u32> {
    table.lines().find_map(|line| {
        let mut fields = line.split(':');
        let entry = fields.next()?;
        let gid = fields.nth(1)?;
        (entry == name).then(|| gid.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt as _;

    use super::*;

    #[test]
    fn socket_is_private_and_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let (_listener, file) = bind(dir.path(), None).unwrap();
        let path = file.path().to_owned();
        assert!(path.starts_with(dir.path()));
        let mode = fs::metadata(&path).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
        drop(file);
        assert!(!path.exists());
    }

    #[test]
    fn group_socket_gets_group_access() {
        let dir = tempfile::tempdir().unwrap();
        let own_gid = fs::metadata(dir.path()).unwrap().gid();
        let (_listener, file) = bind(dir.path(), Some(&own_gid.to_string())).unwrap();
        let meta = fs::metadata(file.path()).unwrap();
        assert_eq!(meta.mode() & 0o777, 0o660);
        assert_eq!(meta.gid(), own_gid);
    }

    #[test]
    fn group_names_resolve_from_the_table() {
        let table = "root:x:0:\nwheel:x:10:alice,bob\nbroken\n";
        assert_eq!(gid_in_group_table(table, "wheel"), Some(10));
        assert_eq!(gid_in_group_table(table, "root"), Some(0));
        assert_eq!(gid_in_group_table(table, "nobody-here"), None);
        assert!(matches!(
            resolve_group("no-such-group-centralroot"),
            Err(PluginError::UnknownGroup(_))
        ));
    }
}
