Feature: Client expiry
  The server pings every client on a fixed grid, one ping every ping_interval
  (15s), starting when the client connects. It expires the client's session at the
  tick where max_missed_pings (5) pings in a row have gone unanswered.
  So the verdict comes 75s to 90s after the cut, depending on where in the grid
  the cut falls.

  Background:
    Given a client "c1"
    And an application "billing"

  Scenario: Client answering every ping keeps its session
    When 1h passes
    Then the server considers client "c1" connected
    And "billing" receives no notifications

  Scenario: Client cut off just before a ping expires 75s later
    When the next ping to client "c1" is due
    And client "c1" is partitioned from the server
    And 2m pass
    Then the session of client "c1" expires 75s after the partition began
    And "billing" is told that client "c1" is lost

  Scenario: Client cut off just after a ping expires 90s later
    When client "c1" is partitioned from the server
    And 2m pass
    Then the session of client "c1" expires 90s after the partition began
