"""Black-box QA findings on the CLI: what it says when the input is wrong, in Dutch and in one line.

Click's own "(Possible options: --role)", a stack trace for an output file that cannot be written, an English
argument name ("file"), "Onbekende optie: -5" for a negative id, a Slack manifest for "--url notaurl" and the
console's "is not valid base64"."""

from __future__ import annotations

from tests.harness import Chat
from tests.test_cli_dutch import FRAMEWORK_ENGLISH

WIDE = {"COLUMNS": "200"}  # rich's error panel would wrap a long line


def test_an_unknown_option_suggests_the_close_ones_in_dutch(sqlite_chat: Chat):
    for args, expected in (
        (["admin", "member", "grant", "3", "--rol", "management"], "--rol. Bedoelde je --role?"),
        (["privacy", "export", "--subjct", "1"], "--subjct. Bedoelde je --subject?"),
        (["privacy", "purge", "--dryrun"], "--dryrun. Bedoelde je --dry-run?"),
        (["audit", "--frmat", "csv"], "--frmat. Bedoelde je --format?"),
        (["admin", "member", "list", "--al"], "--al. Bedoelde je --all of --help?"),
        (["admin", "invite", "list", "--foo"], "--foo"),
    ):
        refused = sqlite_chat.cli(args, env=WIDE, prog_name="ketenbot")
        assert refused.exit_code == 2, (args, refused.output)
        assert f"Onbekende optie: {expected}" in refused.output, refused.output
        assert "Possible" not in refused.output and not FRAMEWORK_ENGLISH.search(refused.output)
