//! A shard's samples as a file: JSON of its [`Batch`] (decimals as exact strings), with the
//! shard it is, so `aifin merge` can check that its inputs make exactly one whole run.

use super::Batch;
use serde::{Deserialize, Serialize};

/// The format tag of a shard file.
pub const FORMAT: &str = "aifin-sample-shard/1";

#[derive(Serialize, Deserialize)]
struct ShardFile {
    format: String,
    /// `[k, n]`: shard k of n, counted from 0.
    shard: [u64; 2],
    batch: Batch,
}

/// The shard file of `batch`, shard `k` of `n`.
pub fn write(batch: &Batch, k: u64, n: u64) -> Result<String, String> {
    let f = ShardFile { format: FORMAT.to_string(), shard: [k, n], batch: batch.clone() };
    let mut s = serde_json::to_string(&f).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

/// The batch a shard file holds.
pub fn read(text: &str) -> Result<Batch, String> {
    let f: ShardFile = serde_json::from_str(text).map_err(|e| format!("not an aifin shard file: {e}"))?;
    if f.format != FORMAT {
        return Err(format!("a shard file of format `{}`; this aifin reads `{FORMAT}`", f.format));
    }
    Ok(f.batch)
}
