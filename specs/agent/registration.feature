Feature: A new agent retries its registration until the master answers
  A new agent sends RegisterSlaveMessage and, until SlaveRegisteredMessage
  arrives, sends it again after a random wait in [0, b·2^k], where b is
  registration_backoff_factor (1 s) and k counts the attempts, capped at one
  minute (Slave::doReliableRegistration, REGISTER_RETRY_INTERVAL_MAX). A lost
  registration only delays it; an agent cut off before it ever registered is
  unknown to the master, and registers within a minute of the network healing.

  # Rules C3.4, C3.6. The first registration is lost; the first retry comes
  # within 2 s (b·2).
  Scenario: An agent whose first registration is lost is registered by its retry within two seconds
    Given an agent "a4" that has not started yet
    When the next RegisterAgent from agent "a4" to the master is dropped
    And agent "a4" registers
    Then the master considers agent "a4" unknown
    When 2s pass
    Then the master considers agent "a4" registered

  # Rules C3.4, C3.6. Ten minutes of lost registrations leave it unknown; once
  # the link heals, the next retry (at most a minute away) gets through.
  Scenario: An agent cut off before it registers stays unknown until the network heals, then registers within a minute
    Given an agent "a4" that has not started yet
    When agent "a4" is partitioned from the master
    And agent "a4" registers
    And 10mins pass
    Then the master considers agent "a4" unknown
    When the partition of agent "a4" heals
    And 1m passes
    Then the master considers agent "a4" registered
