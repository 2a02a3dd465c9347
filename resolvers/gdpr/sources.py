"""Where a member's data lives: every table of every domain that names her, and the
condition that finds her rows. The export reads them all; a new domain with personal
data adds its tables here (tests/frontdoor/test_gdpr.py checks every table with a
member column is listed or deliberately left out)."""

from __future__ import annotations

# (section of the export, table, condition on :sha and :member), in export order.
# `search` vectors are derived text, left out of every row.
SOURCES: tuple[tuple[str, str, str], ...] = (
    ("profile", "members", "id = :member"),
    ("identityLinks", "member_identities", "member_id = :member"),
    ("networkMemberships", "network_members", "member_id = :member"),
    ("networkJoinRequests", "network_join_requests", "member_id = :member"),
    ("learningSetMemberships", "learning_set_members", "member_id = :member"),
    ("learningSetAttendance", "learning_set_attendance", "member_id = :member"),
    ("learningSetActions", "learning_set_actions", "owner_member_id = :member"),
    ("learningSetJoinRequests", "learning_set_join_requests", "member_id = :member"),
    ("eventRegistrations", "event_registrations", "member_id = :member"),
    ("forumModeration", "forum_moderators", "member_id = :member"),
    ("forumRemovals", "forum_removals", "member_id = :member"),
    ("forumThreads", "forum_threads", "author_id = :member"),
    ("forumPosts", "forum_posts", "author_id = :member"),
    ("forumReactions", "forum_post_reactions", "member_id = :member"),
    ("forumReports", "forum_post_reports", "reporter_id = :member"),
    ("followedThreads", "forum_thread_follows", "member_id = :member"),
    ("selfAssessments", "self_assessments", "member_id = :member"),
    (
        "selfAssessmentScores",
        "self_assessment_scores",
        "assessment_id IN (SELECT id FROM self_assessments"
        " WHERE sha_code = :sha AND member_id = :member)",
    ),
    ("seniorClinicalLead", "senior_clinical_leads", "member_id = :member"),
    (
        "declarationsOfInterest",
        "declarations_of_interest",
        "lead_id IN (SELECT id FROM senior_clinical_leads"
        " WHERE sha_code = :sha AND member_id = :member)",
    ),
    ("partnerships", "partnerships", ":member IN (clinician_id, manager_id)"),
    ("engagementPlansLed", "engagement_plans", "lead_id = :member"),
    ("caseStudiesWritten", "case_studies", "(created_by = ANY(:actors) OR author_id = :member)"),
    ("caseStudyContributions", "case_study_contributors", "member_id = :member"),
    ("escalatorLeadRoles", "escalator_leads", "member_id = :member"),
    (
        "programmeApplications",
        "programme_applications",
        "(member_id = :member OR sponsor_id = :member)",
    ),
    ("trainingRatings", "training_ratings", "member_id = :member"),
    ("consultationResponses", "consultation_responses", "member_id = :member"),
    ("organisationMoveRequests", "organisation_move_requests", "member_id = :member"),
    ("notifications", "notifications", "member_id = :member"),
    ("notificationPreferences", "notification_preferences", "member_id = :member"),
    ("leaveRequests", "leave_requests", "member_id = :member"),
    # tables other branches added beside the front door (issues 25 and 26)
    ("caseStudyContributions", "case_study_contributors", "member_id = :member"),
    ("escalatorLeadRoles", "escalator_leads", "member_id = :member"),
    ("programmeApplications", "programme_applications", "member_id = :member"),
    ("trainingRatings", "training_ratings", "member_id = :member"),
)

# Tables naming a member that are not hers to export: the export itself (documents of
# earlier exports) and the read audit (who looked at her, kept for accountability;
# its rows hold her id only).
NOT_EXPORTED = frozenset({"data_exports", "personal_data_reads"})
