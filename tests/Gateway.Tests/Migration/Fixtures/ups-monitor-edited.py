#!/usr/bin/env python3
# A UPS Monitor 3.0 script edited by hand: placeholders left in, values computed from the environment,
# lists of VMs and containers added, a mount the importer cannot read, and a setting 3.0 never had.
from dataclasses import dataclass, field
import os

@dataclass
class Config:
    UPS_NAME: str = "ups@nas.local:3494"
    CHECK_INTERVAL: float = 0.2
    LOW_BATTERY_THRESHOLD: int = int(os.environ.get("LOW_BATT", "20"))
    CRITICAL_DEPLETION_RATE: float = 15.0
    CRITICAL_RUNTIME_THRESHOLD: int = 10 * 60
    DISCORD_WEBHOOK_URL: str = "https://discord.com/api/webhooks/..."  # Your webhook
    DRY_RUN_MODE: bool = False
    EXTENDED_TIME: int = 15 * 60
    EXTENDED_TIME_ON_BATTERY_SHUTDOWN: bool = False
    VMS_TO_SHUTDOWN: List[str] = field(default_factory=lambda: ["win11", 'homeassistant'])
    CONTAINERS_TO_STOP: List[str] = field(default_factory=lambda: [
        "plex",
        "nextcloud",
    ])
    REMOTE_NAS_HOST: str = ""
    REMOTE_NAS_USER: str = "admin"
    UNMOUNT_TIMEOUT: int = 20
    MOUNTS_TO_UNMOUNT: List[Tuple[str, str]] = field(default_factory=lambda: [
        ("/mnt/nas", "-l -f"),
        ("relative/path", ""),
        ("/srv/share", "-o ro"),
    ])
    WAKE_ON_LAN: bool = True

    def describe(self) -> str:
        NOT_A_FIELD: int = 5
        return "config"
