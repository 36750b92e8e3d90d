"""The cleanwire subcommands, one module per group; each exposes register(subparsers).

A command function takes the parsed arguments and returns the exit status.
Errors a user can cause are raised as the project's own exception types and
turned into one line on stderr by crawler.cli.
"""
