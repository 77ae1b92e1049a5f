//! `veclite`: look into and maintain a veclite database directory from the shell.
//!
//! Exit status: 0 success; 1 the operation failed or `verify` found problems; 2 usage error.

mod bulk;
mod commands;
mod export;
mod import;
mod inspect;
mod npy;
mod output;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit status:
  0  success (verify: no problems found)
  1  the operation failed, or verify found problems
  2  usage error (unknown command or option, bad argument)";

/// Look into and maintain a veclite database directory.
///
/// Results print as an aligned table when stdout is a terminal and as JSON lines (one object
/// per row) otherwise or with --json.
#[derive(Debug, Parser)]
#[command(name = "veclite", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How results are printed.
#[derive(Debug, Args, Clone, Copy)]
struct Format {
    /// Print JSON lines (one object per row) even on a terminal.
    #[arg(long, global = true, conflicts_with = "table")]
    json: bool,
    /// Print an aligned table even when stdout is not a terminal.
    #[arg(long, global = true)]
    table: bool,
}

/// The database directory and collection a command works on.
#[derive(Debug, Args)]
struct Target {
    /// Database directory.
    dir: PathBuf,
    /// Collection name.
    collection: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Format versions, collections, partitions, segments, indexes, WAL and disk use.
    #[command(
        after_help = "Example:\n  veclite info ./veclite_demo_db\n  veclite info ./veclite_demo_db --json"
    )]
    Info {
        /// Database directory.
        dir: PathBuf,
        #[command(flatten)]
        format: Format,
    },
    /// The schema of a collection: fields, types, flags and indexes.
    #[command(after_help = "Example:\n  veclite describe ./veclite_demo_db hello_veclite")]
    Describe {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        format: Format,
    },
    /// Number of live rows, optionally matching a filter.
    #[command(
        after_help = "Example:\n  veclite count ./veclite_demo_db hello_veclite --filter 'random > 0.5'"
    )]
    Count {
        #[command(flatten)]
        target: Target,
        /// Filter expression (Milvus syntax); all rows when omitted.
        #[arg(long, default_value = "")]
        filter: String,
        /// Partition to count (repeatable); all partitions when omitted.
        #[arg(long = "partition")]
        partitions: Vec<String>,
        #[command(flatten)]
        format: Format,
    },
    /// Rows matching a filter.
    #[command(
        after_help = "Example:\n  veclite query ./veclite_demo_db hello_veclite --filter 'ID < 5' --output-fields ID,random"
    )]
    Query {
        #[command(flatten)]
        target: Target,
        /// Filter expression (Milvus syntax); all rows when omitted.
        #[arg(long, default_value = "")]
        filter: String,
        /// Fields to print, comma-separated (`*` = all, the default); the key always comes first.
        #[arg(long, value_delimiter = ',', default_value = "*")]
        output_fields: Vec<String>,
        /// At most this many rows (offset + limit <= 16384).
        #[arg(long)]
        limit: Option<usize>,
        /// Rows skipped first.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Partition to read (repeatable); all partitions when omitted.
        #[arg(long = "partition")]
        partitions: Vec<String>,
        #[command(flatten)]
        format: Format,
    },
    /// Rows by primary key (Int64 or VarChar keys).
    #[command(after_help = "Example:\n  veclite get ./veclite_demo_db hello_veclite --ids 1,2,3")]
    Get {
        #[command(flatten)]
        target: Target,
        /// Primary keys, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        ids: Vec<String>,
        /// Fields to print, comma-separated (`*` = all, the default).
        #[arg(long, value_delimiter = ',', default_value = "*")]
        output_fields: Vec<String>,
        /// Partition to read (repeatable); all partitions when omitted.
        #[arg(long = "partition")]
        partitions: Vec<String>,
        #[command(flatten)]
        format: Format,
    },
    /// Top-k nearest rows to one or more query vectors.
    #[command(
        after_help = "Examples:\n  veclite search ./veclite_demo_db hello_veclite --vector '[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]' --topk 3\n  veclite search ./veclite_demo_db hello_veclite --vectors-npy queries.npy --metric IP --filter 'random > 0.5'"
    )]
    Search(commands::SearchArgs),
    /// Deletes rows by filter or by primary key.
    #[command(
        after_help = "Examples:\n  veclite delete ./veclite_demo_db hello_veclite --filter 'ID in [1, 2]'\n  veclite delete ./veclite_demo_db hello_veclite --ids 3,4"
    )]
    Delete {
        #[command(flatten)]
        target: Target,
        /// Filter expression selecting the rows to delete.
        #[arg(long, required_unless_present = "ids", conflicts_with = "ids")]
        filter: Option<String>,
        /// Primary keys to delete, comma-separated.
        #[arg(long, value_delimiter = ',')]
        ids: Option<Vec<String>>,
        /// Partition to delete from; all partitions when omitted.
        #[arg(long, default_value = "")]
        partition: String,
        #[command(flatten)]
        format: Format,
    },
    /// Seals the collection's growing segments into segment files and empties its WAL.
    #[command(after_help = "Example:\n  veclite flush ./veclite_demo_db hello_veclite")]
    Flush {
        #[command(flatten)]
        target: Target,
    },
    /// Flushes, then merges small segments and drops deleted rows.
    #[command(after_help = "Example:\n  veclite compact ./veclite_demo_db hello_veclite")]
    Compact {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        format: Format,
    },
    /// Creates a vector index on a field and builds it for the sealed segments.
    #[command(
        after_help = "Example:\n  veclite create-index ./veclite_demo_db hello_veclite --field embeddings --type HNSW --metric L2 --param M=16 --param efConstruction=200"
    )]
    CreateIndex(commands::CreateIndexArgs),
    /// Drops the vector index of a field.
    #[command(
        after_help = "Example:\n  veclite drop-index ./veclite_demo_db hello_veclite --field embeddings"
    )]
    DropIndex {
        #[command(flatten)]
        target: Target,
        /// The indexed vector field.
        #[arg(long)]
        field: String,
    },
    /// Writes a collection's rows as files Milvus's bulk import takes (Parquet, JSON or NumPy).
    #[command(after_help = export::HELP)]
    Export(export::ExportArgs),
    /// Reads rows from Milvus bulk-import files into a collection, each file all or nothing.
    #[command(after_help = import::HELP)]
    Import(import::ImportArgs),
    /// Checks every file and checksum without changing a byte; exit 1 when anything is wrong.
    #[command(
        after_help = "Reads the manifest, checks that every file it names exists, scans every WAL record and \
the chain between WAL generations, then copies the directory to a temporary directory, opens \
the copy and reads every row, field and index there (the database itself is never opened, so \
verify also works while another process holds it; it needs free space for the copy).\n\n\
Example:\n  veclite verify ./veclite_demo_db\n\n\
Exit status: 0 no problems; 1 problems found (each printed with file, offset and what is wrong); 2 usage error"
    )]
    Verify {
        /// Database directory.
        dir: PathBuf,
        #[command(flatten)]
        format: Format,
    },
    /// Opens a damaged database, repairing what it can, and reports what it kept and skipped.
    #[command(
        after_help = "Recovery keeps the WAL records up to the first damaged one, every segment whose files \
read, and the index files that read; every file it changes or moves is first preserved under \
<DIR>/quarantine/<n>/.\n\n\
Example:\n  veclite recover ./veclite_demo_db\n\n\
Exit status: 0 the database opens (nothing skipped, or the skipped data is listed); 1 it could \
not be recovered (e.g. a damaged manifest) or is locked; 2 usage error"
    )]
    Recover {
        /// Database directory.
        dir: PathBuf,
        #[command(flatten)]
        format: Format,
    },
}

/// The command line, with the exit status appended to the help of every command that does not
/// describe its own.
fn command() -> clap::Command {
    Cli::command().mut_subcommands(|sub| {
        let own = sub.get_after_help().is_some_and(|h| h.to_string().contains("Exit status"));
        if own {
            return sub;
        }
        let help = match sub.get_after_help() {
            Some(h) => format!("{h}\n\n{EXIT_CODES}"),
            None => EXIT_CODES.to_owned(),
        };
        sub.after_help(help)
    })
}

fn main() -> ExitCode {
    let matches = command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("veclite: {message}");
            ExitCode::from(1)
        }
    }
}
