//! Reading the command line into [`Cli`].
//!
//! Clap builds the arguments of every subcommand before it parses, which is
//! a tenth of a one-shot `recommend` or `show`. The line is therefore first
//! parsed against a command that defines only the subcommand it names (for
//! the commands that are run many times a second by other tools); whatever
//! that does not accept — help, `--version`, an unknown subcommand, any
//! mistake — is parsed again against the whole command, so clap's messages,
//! help and exit codes are the same as if the shortcut did not exist.

use super::{check, detect, list, machines, recommend, show, Cli, Command, Global};
use clap::{Args, FromArgMatches, Parser};
use std::ffi::OsString;

/// The command line of this process.
pub(super) fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os().collect())
}

fn parse_from(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    match parse_one(&args) {
        Some(cli) => Ok(cli),
        None => Cli::try_parse_from(args),
    }
}

/// `args` parsed with only their subcommand defined; `None` when that is
/// not one of the fast commands or the line does not parse so.
fn parse_one(args: &[OsString]) -> Option<Cli> {
    let sub = match subcommand_name(args)? {
        "recommend" => recommend::RecommendArgs::augment_args(clap::Command::new("recommend")),
        "show" => show::ShowArgs::augment_args(clap::Command::new("show")),
        "list" => list::ListArgs::augment_args(clap::Command::new("list")),
        "detect" => detect::DetectArgs::augment_args(clap::Command::new("detect")),
        "check" => check::CheckArgs::augment_args(clap::Command::new("check")),
        "machines" => machines::MachinesArgs::augment_args(clap::Command::new("machines")),
        _ => return None,
    };
    let command = Global::augment_args(clap::Command::new("guestdb"))
        .subcommand_required(true)
        .subcommand(sub);
    let mut matches = command.try_get_matches_from(args).ok()?;
    Some(Cli {
        global: Global::from_arg_matches(&matches).ok()?,
        command: Command::from_arg_matches_mut(&mut matches).ok()?,
    })
}

/// The first argument that is neither an option nor the value of a global
/// one; `None` when an option that is not global comes first.
fn subcommand_name(args: &[OsString]) -> Option<&str> {
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let arg = arg.to_str()?;
        match arg {
            "--store" | "--data" => {
                rest.next()?;
            }
            _ if arg.starts_with("--store=") || arg.starts_with("--data=") => {}
            _ if arg.starts_with('-') => return None,
            _ => return Some(arg),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        std::iter::once("guestdb")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect()
    }

    /// Every line the shortcut accepts gives what the whole command gives.
    #[test]
    fn the_shortcut_parses_as_the_whole_command_does() {
        let lines = [
            "recommend rhel6.10",
            "recommend win11 --host debian-12 --format libvirt",
            "recommend rhel9.4 --arch aarch64 --json",
            "--store s.store recommend rhel6.10 --format kubevirt --kubevirt-vm",
            "recommend rhel6.10 --data d",
            "--data=d show rhel6.10 --json",
            "show vmware:rhel9_64Guest",
            "list --distro rhel --fields short-id,name",
            "list --scheme vmware --json",
            "detect x.iso",
            "check a.xml --json",
            "machines --host debian-12",
        ];
        let mut offenders = Vec::new();
        for line in lines {
            let fast = parse_one(&args(line)).map(|c| format!("{c:?}"));
            let whole = Cli::try_parse_from(args(line)).map(|c| format!("{c:?}"));
            match (fast, whole) {
                (Some(f), Ok(w)) if f == w => {}
                (f, w) => offenders.push(format!("{line}: shortcut {f:?}, whole {w:?}")),
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }

    /// Help, version, unknown subcommands and mistakes are left to the
    /// whole command.
    #[test]
    fn the_shortcut_leaves_everything_else_to_the_whole_command() {
        let lines = [
            "",
            "--help",
            "--version",
            "-V",
            "help recommend",
            "recommend --help",
            "recommend -h",
            "show",
            "recommend rhel6.10 --no-such-option",
            "recommend rhel6.10 --arch",
            "--store a --data b show rhel6.10",
            "validate data",
            "--store",
            "reccomend rhel6.10",
        ];
        let accepted: Vec<&str> = lines
            .into_iter()
            .filter(|line| parse_one(&args(line)).is_some())
            .collect();
        assert!(accepted.is_empty(), "the shortcut accepted {accepted:?}");
    }
}
