"""CLN Graph: settings, database plumbing, app factory and CLI."""
