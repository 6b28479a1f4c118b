#!/usr/bin/env python3
"""
Sample of UPS Monitor 3.0 (a single Python script polling NUT with upsc) as a user would have it edited:
the settings are the defaults of the Config dataclass at the top. Written for the importer's tests from the
fields the tool documents; the code below the class is a stand-in and is never run.
"""

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Tuple

# ==============================================================================
# CONFIGURATION
# ==============================================================================

@dataclass
class Config:
    """Configuration settings for the UPS monitor."""

    # UPS Configuration
    UPS_NAME: str = "UPS@192.168.178.11"
    CHECK_INTERVAL: int = 1
    LOW_BATTERY_THRESHOLD: int = 25
    BATTERY_DEPLETION_WINDOW: int = 300
    CRITICAL_DEPLETION_RATE: float = 12.5
    DEPLETION_RATE_GRACE_PERIOD: int = 90
    CRITICAL_RUNTIME_THRESHOLD: int = 600  # seconds
    MAX_STALE_DATA_TOLERANCE: int = 3

    # System Paths
    LOG_FILE: Path = field(default_factory=lambda: Path("/var/log/ups-monitor.log"))
    STATE_FILE: Path = field(default_factory=lambda: Path("/var/run/ups-monitor.state"))
    SHUTDOWN_SCHEDULED_FILE: Path = field(default_factory=lambda: Path("/var/run/ups-shutdown-scheduled"))
    BATTERY_HISTORY_FILE: Path = field(default_factory=lambda: Path("/var/run/ups-battery-history"))

    # Notification Configuration
    DISCORD_WEBHOOK_URL: str = "https://discord.com/api/webhooks/123456789012345678/abcDEF-ghiJKL_mnoPQR"

    NOTIFICATION_TIMEOUT: int = 3
    NOTIFICATION_TIMEOUT_BLOCKING: int = 10

    # Color Codes for Discord embeds (Decimal)
    COLOR_RED: int = 15158332
    COLOR_GREEN: int = 3066993
    COLOR_YELLOW: int = 15844367
    COLOR_ORANGE: int = 15105570
    COLOR_BLUE: int = 3447003

    # Shutdown Behavior
    DRY_RUN_MODE: bool = True
    MAX_VM_WAIT: int = 45

    # Extended time on battery (Safety Net)
    EXTENDED_TIME: int = 20 * 60
    EXTENDED_TIME_ON_BATTERY_SHUTDOWN: bool = True

    # Remote NAS configuration
    REMOTE_NAS_USER: str = 'nas-admin'
    REMOTE_NAS_HOST: str = "192.168.178.229"

    # Unmount Configuration
    UNMOUNT_TIMEOUT: int = 15
    MOUNTS_TO_UNMOUNT: List[Tuple[str, str]] = field(default_factory=lambda: [
        ("/mnt/media", ""),
        ("/mnt/nas", "-l"),   # lazy: the NAS may already be gone
        ("/mnt/backup", ""),
    ])


config = Config()


@dataclass
class MonitorState:
    """Tracks the current state of the UPS monitor (not settings)."""
    previous_status: str = ""
    on_battery_start_time: int = 0
    nominal_voltage: float = 230.0


def shutdown_remote_nas():
    subprocess.run(["ssh", config.REMOTE_NAS_USER + "@" + config.REMOTE_NAS_HOST, "sudo -i synoshutdown -s"])
