"""The admin home: a workspace per role (figures, queues, the user's own work) and the sidebar
grouped by work area."""
