"""The App's screens: the dashboard itself, and the details it opens."""
