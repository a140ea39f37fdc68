"""The coordinators' workspace: server-rendered pages inside the intake service, calling the same
domain functions as the JSON coordinator routes (intake_api.coordinators). Works without
JavaScript; no inline script; every page no-store with frame-ancestors 'none'."""
