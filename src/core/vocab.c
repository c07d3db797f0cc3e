/* The vocabulary of values (include/dangol/vocab.h): one constant table of (domain, code, English,
 * Korean), searched linearly (a few hundred entries, looked up once per distinct value, never per
 * row). The dashboard's own labels are the "ui" domain, in vocab_labels.c. A unit test checks that
 * no domain repeats a code or a name, so a Korean name always maps back to one code. */
#include <string.h>
#include <strings.h>

#include "core/vocab_labels.h"
#include "dangol/vocab.h"

static const dg_vocab_entry values[] = {
    /* cube dimensions (also the API's rows/cols/where names) */
    { "dimension", "year", "Year", "연도" }, { "dimension", "quarter", "Quarter", "분기" },
    { "dimension", "month", "Month", "월" }, { "dimension", "week", "Week", "주" },
    { "dimension", "day", "Day", "일" }, { "dimension", "channel", "Channel", "채널" },
    { "dimension", "payment", "Payment", "결제 수단" }, { "dimension", "site", "Site", "매장" },
    { "dimension", "staff", "Staff", "직원" }, { "dimension", "region", "Region", "지역" },
    { "dimension", "gender", "Gender", "성별" }, { "dimension", "age", "Age band", "연령대" },
    { "dimension", "acquisition", "Acquisition", "유입 경로" },
    { "dimension", "customer_type", "Customer type", "고객 유형" },
    { "dimension", "income", "Income", "소득" }, { "dimension", "category", "Category", "카테고리" },
    { "dimension", "brand", "Brand", "브랜드" }, { "dimension", "product", "Product", "상품" },
    { "dimension", "segment", "RFM segment", "RFM 세그먼트" },
    { "dimension", "stage", "Stage", "관계 단계" }, { "dimension", "activity", "Activity", "활동 상태" },
    /* cube measures */
    { "measure", "revenue", "Revenue", "매출" }, { "measure", "orders", "Orders", "주문 수" },
    { "measure", "customers", "Customers", "고객 수" }, { "measure", "units", "Units", "수량" },
    { "measure", "aov", "Average order", "평균 주문액" },
    { "measure", "revenue_per_customer", "Revenue per customer", "고객당 매출" },
    { "measure", "share", "Share", "비중" },
    /* labels the cube gives rolled-up and missing values in every dimension */
    { "cube", "Total", "Total", "전체" }, { "cube", "(none)", "(none)", "(없음)" },
    /* regions: the 17 first-level divisions of Korea */
    { "region", "Seoul", "Seoul", "서울" }, { "region", "Busan", "Busan", "부산" },
    { "region", "Incheon", "Incheon", "인천" }, { "region", "Daegu", "Daegu", "대구" },
    { "region", "Daejeon", "Daejeon", "대전" }, { "region", "Gwangju", "Gwangju", "광주" },
    { "region", "Ulsan", "Ulsan", "울산" }, { "region", "Sejong", "Sejong", "세종" },
    { "region", "Gyeonggi", "Gyeonggi", "경기" }, { "region", "Gangwon", "Gangwon", "강원" },
    { "region", "Chungbuk", "Chungbuk", "충북" }, { "region", "Chungnam", "Chungnam", "충남" },
    { "region", "Jeonbuk", "Jeonbuk", "전북" }, { "region", "Jeonnam", "Jeonnam", "전남" },
    { "region", "Gyeongbuk", "Gyeongbuk", "경북" }, { "region", "Gyeongnam", "Gyeongnam", "경남" },
    { "region", "Jeju", "Jeju", "제주" },
    /* order and feedback channels */
    { "channel", "store", "Store", "매장" }, { "channel", "online", "Online", "온라인" },
    { "channel", "mobile", "Mobile", "모바일" }, { "channel", "call_centre", "Call centre", "콜센터" },
    { "channel", "home_shopping", "Home shopping", "홈쇼핑" }, { "channel", "web", "Web", "웹" },
    { "channel", "app", "App", "앱" }, { "channel", "email", "Email", "이메일" },
    { "channel", "sns", "Social media", "SNS" },
    /* acquisition channels */
    { "acquisition", "store_walk_in", "Store walk-in", "매장 방문" },
    { "acquisition", "search", "Search", "검색" },
    { "acquisition", "online_ad", "Online ad", "온라인 광고" },
    { "acquisition", "sns", "Social media", "SNS" },
    { "acquisition", "referral", "Referral", "지인 추천" },
    { "acquisition", "home_shopping", "Home shopping", "홈쇼핑" },
    { "acquisition", "event", "Event", "이벤트" },
    { "acquisition", "partnership", "Partnership", "제휴" },
    /* payment methods */
    { "payment", "credit_card", "Credit card", "신용카드" },
    { "payment", "debit_card", "Debit card", "체크카드" }, { "payment", "cash", "Cash", "현금" },
    { "payment", "bank_transfer", "Bank transfer", "계좌이체" },
    { "payment", "mobile_pay", "Mobile pay", "간편결제" },
    { "payment", "gift_card", "Gift card", "상품권" },
    /* the relationship ladder and the activity flags (docs/stage.md) */
    { "stage", "prospect", "Prospect", "잠재 고객" }, { "stage", "customer", "Customer", "고객" },
    { "stage", "client", "Client (단골)", "단골" }, { "stage", "advocate", "Advocate", "옹호자" },
    { "stage", "partner", "Partner", "파트너" },
    { "activity", "active", "Active", "활성" }, { "activity", "lapsed", "Lapsed", "휴면" },
    { "activity", "churned", "Churned", "이탈" },
    /* the default RFM segment map (src/analytics/rfm.c) */
    { "segment", "Champions", "Champions", "최우수 고객" }, { "segment", "Loyal", "Loyal", "충성 고객" },
    { "segment", "Potential Loyalist", "Potential Loyalist", "잠재 충성 고객" },
    { "segment", "New", "New", "신규 고객" }, { "segment", "Promising", "Promising", "유망 고객" },
    { "segment", "Need Attention", "Need Attention", "관심 필요" },
    { "segment", "About to Sleep", "About to Sleep", "휴면 직전" },
    { "segment", "At Risk", "At Risk", "이탈 위험" },
    { "segment", "Can't Lose", "Can't Lose", "놓치면 안 될 고객" },
    { "segment", "Hibernating", "Hibernating", "동면 고객" }, { "segment", "Lost", "Lost", "이탈 고객" },
    { "segment", "(no orders)", "(no orders)", "(주문 없음)" },
    /* profile values */
    { "gender", "F", "Female", "여성" }, { "gender", "M", "Male", "남성" }, { "gender", "X", "Other", "기타" },
    { "education", "high_school", "High school", "고등학교 졸업" },
    { "education", "college", "College", "전문대 졸업" },
    { "education", "bachelor", "Bachelor's degree", "대학교 졸업" },
    { "education", "graduate", "Graduate school", "대학원 졸업" },
    { "occupation", "office_worker", "Office worker", "회사원" },
    { "occupation", "self_employed", "Self-employed", "자영업" },
    { "occupation", "professional", "Professional", "전문직" },
    { "occupation", "civil_servant", "Civil servant", "공무원" },
    { "occupation", "service", "Service work", "서비스직" },
    { "occupation", "homemaker", "Homemaker", "주부" },
    { "occupation", "freelancer", "Freelancer", "프리랜서" },
    { "occupation", "unemployed", "Not employed", "무직" },
    { "occupation", "student", "Student", "학생" }, { "occupation", "retired", "Retired", "은퇴" },
    { "income", "<30M", "Under 30M", "3천만 원 미만" },
    { "income", "30-50M", "30M to 50M", "3천만~5천만 원" },
    { "income", "50-70M", "50M to 70M", "5천만~7천만 원" },
    { "income", "70-100M", "70M to 100M", "7천만~1억 원" },
    { "income", "100M+", "100M and over", "1억 원 이상" },
    { "customer_type", "careful", "Careful", "꼼꼼한 고객" },
    { "customer_type", "impatient", "Impatient", "성급한 고객" },
    { "customer_type", "talkative", "Talkative", "말이 많은 고객" },
    { "customer_type", "reticent", "Reticent", "과묵한 고객" },
    { "customer_type", "skeptical", "Skeptical", "의심 많은 고객" },
    { "customer_type", "indecisive", "Indecisive", "우유부단한 고객" },
    { "customer_type", "demanding", "Demanding", "요구가 많은 고객" },
    { "bool", "yes", "Yes", "예" }, { "bool", "no", "No", "아니오" },
    /* feedback */
    { "feedback_kind", "complaint", "Complaint", "불만" }, { "feedback_kind", "opinion", "Opinion", "의견" },
    { "feedback_kind", "question", "Question", "문의" },
    { "feedback_kind", "compliment", "Compliment", "칭찬" },
    { "feedback_status", "open", "Open", "접수" },
    { "feedback_status", "in_progress", "In progress", "처리 중" },
    { "feedback_status", "resolved", "Resolved", "해결" }, { "feedback_status", "closed", "Closed", "종결" },
    /* staff roles and order sites (the demo's: src/demo/demo.c, tables.c) */
    { "staff_role", "store_manager", "Store manager", "점장" },
    { "staff_role", "sales_associate", "Sales associate", "판매 사원" },
    { "staff_role", "cashier", "Cashier", "계산원" },
    { "staff_role", "call_agent", "Call centre agent", "상담원" },
    { "staff_role", "online_cs", "Online customer service", "온라인 고객 상담" },
    /* who may use the server (dangol user add --role, docs/security.md) */
    { "user_role", "admin", "Administrator", "관리자" },
    { "user_role", "manager", "Manager", "매니저" },
    { "user_role", "analyst", "Analyst", "분석가" },
    { "user_role", "agent", "Agent", "상담 직원" },
    { "site", "Seoul Gangnam", "Seoul Gangnam", "강남점" },
    { "site", "Seoul Myeongdong", "Seoul Myeongdong", "명동점" },
    { "site", "Seoul Jamsil", "Seoul Jamsil", "잠실점" },
    { "site", "Busan Seomyeon", "Busan Seomyeon", "서면점" },
    { "site", "Incheon Songdo", "Incheon Songdo", "송도점" },
    { "site", "Daegu Dongseongro", "Daegu Dongseongro", "동성로점" },
    { "site", "Gyeonggi Suwon", "Gyeonggi Suwon", "수원점" },
    { "site", "Gyeonggi Bundang", "Gyeonggi Bundang", "분당점" },
    { "site", "Daejeon Dunsan", "Daejeon Dunsan", "둔산점" },
    { "site", "Gwangju Chungjang", "Gwangju Chungjang", "충장점" },
    { "site", "Online", "Online", "온라인" }, { "site", "Call Centre", "Call centre", "콜센터" },
    { "site", "Home Shopping", "Home shopping", "홈쇼핑" },
    /* touchpoints (the moments of truth) and what partners do */
    { "touchpoint_kind", "hardware", "Hardware", "하드웨어" },
    { "touchpoint_kind", "software", "Software", "소프트웨어" },
    { "touchpoint_kind", "humanware", "Humanware", "휴먼웨어" },
    { "partner_activity", "panel", "Customer panel", "고객 패널" },
    { "partner_activity", "co_design", "Co-design", "공동 개발" },
    { "partner_activity", "review", "Review", "리뷰" },
    { "partner_activity", "beta_test", "Beta test", "베타 테스트" },
    { "partner_activity", "community", "Community", "커뮤니티" },
    /* purchase models (dangol clv --model) */
    { "model", "bgnbd", "BG/NBD", "BG/NBD" }, { "model", "mbgnbd", "MBG/NBD", "MBG/NBD" },
    { "model", "paretonbd", "Pareto/NBD", "Pareto/NBD" }, { "model", "bgbb", "BG/BB", "BG/BB" },
    /* the points ledger (include/dangol/points.h): movement kinds, sources, reversal policies */
    { "points_kind", "earn", "Earn", "적립" }, { "points_kind", "burn", "Redeem", "사용" },
    { "points_kind", "expire", "Expire", "소멸" }, { "points_kind", "adjust", "Adjust", "조정" },
    { "points_kind", "reverse", "Reverse", "적립 취소" },
    { "points_source", "order", "Order", "주문" }, { "points_source", "coupon", "Coupon", "쿠폰" },
    { "points_source", "campaign", "Campaign", "캠페인" },
    { "points_source", "manual", "Manual", "수동" },
    { "points_source", "lot", "Expired lot", "소멸 적립분" },
    { "points_policy", "absorb", "Absorb spent points", "사용분 회사 부담" },
    { "points_policy", "recover", "Recover spent points", "사용분 회수" },
    { "coupon_return_policy", "restore", "Coupon restored", "쿠폰 복원" },
    { "coupon_return_policy", "forfeit", "Coupon forfeited", "쿠폰 미복원" },
    { "return_kind", "cancelled", "Cancelled", "주문 취소" },
    { "return_kind", "returned", "Returned", "반품" },
    /* VOC tickets (docs/tickets.md); their channels are the "channel" domain's */
    { "ticket_kind", "complaint", "Complaint", "불만" },
    { "ticket_kind", "inquiry", "Inquiry", "문의" },
    { "ticket_kind", "suggestion", "Suggestion", "제안" },
    { "ticket_kind", "compliment", "Compliment", "칭찬" },
    { "ticket_state", "open", "Open", "접수" },
    { "ticket_state", "assigned", "Assigned", "배정" },
    { "ticket_state", "in_progress", "In progress", "처리 중" },
    { "ticket_state", "resolved", "Resolved", "해결" },
    { "ticket_state", "closed", "Closed", "종결" },
    { "ticket_priority", "low", "Low", "낮음" },
    { "ticket_priority", "normal", "Normal", "보통" },
    { "ticket_priority", "high", "High", "높음" },
    { "ticket_priority", "urgent", "Urgent", "긴급" },
    { "ticket_action", "open", "Opened", "접수" },
    { "ticket_action", "assign", "Assigned", "배정" },
    { "ticket_action", "start", "Started", "처리 시작" },
    { "ticket_action", "resolve", "Resolved", "해결" },
    { "ticket_action", "close", "Closed", "종결" },
    { "ticket_action", "reopen", "Reopened", "재접수" },
    { "ticket_action", "comment", "Comment", "메모" },
    { "ticket_action", "escalate", "Escalated", "상향 조치" },
    { "ticket_sla", "met", "Met", "준수" },
    { "ticket_sla", "late", "Late", "지연 처리" },
    { "ticket_sla", "pending", "Pending", "진행 중" },
    { "ticket_sla", "breached", "Breached", "위반" },
    /* what opened a service-recovery ticket, in its subject (src/crm/tickets.c) */
    { "recovery_source", "feedback", "feedback", "고객 의견" },
    { "recovery_source", "survey", "survey answer", "설문 응답" },
    { "recovery_reason", "complaint", "complaint", "불만" },
    { "recovery_reason", "rating", "rated", "평점" },
    /* names suggested for k-means segments from their profiles (src/analytics/segment.c) */
    { "cluster", "champions", "Champions", "최우수 단골" },
    { "cluster", "slipping_vips", "Slipping VIPs", "이탈 조짐 VIP" },
    { "cluster", "big_spenders", "Big spenders", "고액 구매 고객" },
    { "cluster", "loyal_regulars", "Loyal regulars", "충성 단골" },
    { "cluster", "newcomers", "Newcomers", "신규 고객" },
    { "cluster", "recent_occasional", "Recent occasional buyers", "최근 간헐 구매 고객" },
    { "cluster", "lapsed", "Lapsed", "휴면 고객" },
    { "cluster", "fading", "Fading", "관계 약화 고객" },
    { "cluster", "steady_middle", "Steady middle", "평균 고객" },
    /* the audit trail (include/dangol/audit.h): actions and actors */
    { "audit_action", "customer.view", "Viewed a customer", "고객 정보 조회" },
    { "audit_action", "customer.list", "Listed customers", "고객 목록 조회" },
    { "audit_action", "export", "Exported personal data", "개인정보 내보내기" },
    { "audit_action", "customer.create", "Created a customer", "고객 등록" },
    { "audit_action", "customer.update", "Changed a customer", "고객 정보 변경" },
    { "audit_action", "order.create", "Recorded an order", "주문 등록" },
    { "audit_action", "import", "Imported records", "데이터 가져오기" },
    { "audit_action", "feedback.create", "Recorded feedback", "고객 의견 등록" },
    { "audit_action", "points.earn", "Points earned", "포인트 적립" },
    { "audit_action", "points.burn", "Points redeemed", "포인트 사용" },
    { "audit_action", "points.adjust", "Points adjusted", "포인트 조정" },
    { "audit_action", "points.reverse", "Points reversed", "포인트 적립 취소" },
    { "audit_action", "points.expire", "Points expired", "포인트 소멸" },
    { "audit_action", "user.add", "Added a user", "사용자 추가" },
    { "audit_action", "user.disable", "Disabled a user", "사용자 비활성화" },
    { "audit_action", "token.create", "Created an API token", "API 토큰 발급" },
    { "audit_action", "token.revoke", "Revoked an API token", "API 토큰 폐기" },
    { "audit_action", "audit.prune", "Pruned the audit trail", "감사 기록 정리" },
    { "audit_action", "consent.grant", "Consent granted", "수신 동의" },
    { "audit_action", "consent.withdraw", "Consent withdrawn", "수신 동의 철회" },
    { "audit_action", "customer.erase", "Erased a customer's personal data", "개인정보 파기" },
    { "audit_action", "customer.subject", "Subject access: all data on a customer",
      "개인정보 열람 제공" },
    { "audit_action", "coupon.define", "Defined a coupon", "쿠폰 정의" },
    { "audit_action", "coupon.issue", "Issued coupons", "쿠폰 발급" },
    { "audit_action", "coupon.redeem", "Redeemed a coupon", "쿠폰 사용" },
    { "audit_action", "order.return", "Returned or cancelled an order", "주문 반품·취소" },
    { "audit_action", "coupon.void", "Voided a coupon", "쿠폰 무효화" },
    { "audit_action", "ticket.open", "Opened a ticket", "VOC 접수" },
    { "audit_action", "ticket.change", "Changed a ticket", "VOC 처리 변경" },
    { "audit_action", "ticket.escalate", "Escalated breached tickets", "SLA 위반 VOC 상향" },
    { "audit_action", "ticket.recover", "Opened service recovery tickets", "서비스 회복 VOC 접수" },
    { "audit_action", "tier.evaluate", "Evaluated the tiers", "등급 산정" },
    { "audit_actor", "user", "User (session)", "사용자(세션)" },
    { "audit_actor", "token", "API token", "API 토큰" },
    { "audit_actor", "cli", "Command line", "명령줄" },
    { "audit_actor", "anonymous", "Anonymous (store without users)", "익명(사용자 없는 저장소)" },
    { "audit_actor", "system", "System", "시스템" },
    /* consent per purpose and where it was given (include/dangol/consent.h): a new purpose is
     * a new consent_purpose entry */
    { "consent_purpose", "marketing_email", "Marketing by e-mail", "이메일 마케팅 수신" },
    { "consent_purpose", "marketing_sms", "Marketing by SMS", "문자(SMS) 마케팅 수신" },
    { "consent_purpose", "marketing_phone", "Marketing by phone", "전화 마케팅 수신" },
    { "consent_purpose", "third_party_sharing", "Sharing with third parties", "제3자 제공" },
    { "consent_source", "web", "Web", "웹" }, { "consent_source", "store", "Store", "매장" },
    { "consent_source", "call", "Call", "전화" }, { "consent_source", "import", "Import", "가져오기" },
    { "consent_source", "api", "API", "API" },
    { "consent_action", "grant", "Granted", "동의" },
    { "consent_action", "withdraw", "Withdrawn", "철회" },
    { "erasure_kind", "request", "On request", "요청에 의한 삭제" },
    { "erasure_kind", "retention", "Retention period", "보유 기간 경과" },
    /* coupons (include/dangol/coupon.h): kinds, audiences, the states of a code and a definition */
    { "coupon_kind", "fixed", "Fixed amount", "정액 할인" },
    { "coupon_kind", "percent", "Percent off", "정률 할인" },
    { "coupon_audience", "any", "Any customer", "전체 고객" },
    { "coupon_audience", "first_purchase", "First purchase", "첫 구매" },
    { "coupon_state", "active", "Active", "사용 가능" },
    { "coupon_state", "issued", "Issued", "발급됨" },
    { "coupon_state", "redeemed", "Redeemed", "사용됨" },
    { "coupon_state", "reversed", "Reversed (order returned)", "사용 취소(반품)" },
    { "coupon_state", "voided", "Voided", "무효" },
    { "coupon_state", "expired", "Expired", "만료" },
    { "coupon_state", "not_yet_valid", "Not yet valid", "사용 기간 전" },
    { "coupon_group", "coupon", "By coupon", "쿠폰별" },
    { "coupon_group", "campaign", "By campaign", "캠페인별" },
    /* customer value = benefits - costs (include/dangol/cvalue.h; the seed's wording: 고객 혜택
     * 3가지, 고객 코스트 4가지) and the importance-performance quadrants */
    { "audit_action", "value.record", "Recorded a value survey response", "가치 설문 응답 기록" },
    { "audit_action", "value.import", "Imported value survey responses", "가치 설문 응답 가져오기" },
    { "value_component", "functional", "Functional benefit", "기능적 혜택" },
    { "value_component", "emotional", "Emotional benefit", "정서적 혜택" },
    { "value_component", "social", "Social benefit", "사회적 혜택" },
    { "value_component", "money", "Monetary cost", "금전적 비용" },
    { "value_component", "time", "Time cost", "시간적 비용" },
    { "value_component", "effort", "Effort cost", "노력 비용" },
    { "value_component", "psychological", "Psychological cost", "심리적 비용" },
    { "value_component", "outcome", "Outcome", "결과 변수" },
    { "value_quadrant", "keep_up", "Keep up the good work", "현 수준 유지" },
    { "value_quadrant", "concentrate", "Concentrate here", "집중 개선 필요" },
    { "value_quadrant", "possible_overkill", "Possible overkill", "과잉 투자 가능성" },
    { "value_quadrant", "low_priority", "Low priority", "낮은 우선순위" },
    /* moments of truth (docs/mot.md): the built-in cycle's moments (config/mot.conf; a cycle
     * of one's own names its moments in its file) */
    { "mot_moment", "booking_call", "Booking call", "예약 전화" },
    { "mot_moment", "parking", "Parking", "주차" },
    { "mot_moment", "reception", "Reception", "접수" },
    { "mot_moment", "waiting", "Waiting", "대기" },
    { "mot_moment", "consultation", "Consultation", "상담" },
    { "mot_moment", "treatment", "Treatment", "시술" },
    { "mot_moment", "payment", "Payment", "수납" },
    { "mot_moment", "follow_up_call", "Follow-up call", "사후 관리 전화" },
    /* post-purchase follow-up (docs/followups.md) and VOC analytics (docs/tickets.md) */
    { "followup_trigger", "first_purchase", "First purchase", "첫 구매" },
    { "followup_trigger", "category", "Purchase in a category", "카테고리 구매" },
    { "followup_trigger", "consumable", "Consumable runs out", "소모품 소진" },
    { "followup_channel", "call", "Call", "전화" },
    { "followup_channel", "sms", "SMS", "문자" },
    { "followup_channel", "email", "E-mail", "이메일" },
    { "followup_state", "open", "Open", "대기" },
    { "followup_state", "done", "Done", "완료" },
    { "followup_outcome", "reached", "Reached", "통화 완료" },
    { "followup_outcome", "no_answer", "No answer", "부재" },
    { "followup_outcome", "declined", "Declined", "거절" },
    { "followup_outcome", "sent", "Sent", "발송 완료" },
    { "followup_outcome", "cancelled", "Cancelled", "취소" },
    { "audit_action", "followup.done", "Recorded a follow-up outcome", "사후 관리 결과 기록" },
    { "audit_action", "followup.schedule", "Scheduled follow-up tasks", "사후 관리 과업 생성" },
    { "recovery_group", "within_sla", "Resolved within SLA", "기한 내 해결" },
    { "recovery_group", "late", "Resolved late", "기한 초과 해결" },
    { "recovery_group", "unresolved", "Unresolved", "미해결" },
    { "recovery_group", "no_complaint", "No complaint", "불만 없음" },
    { "voc_measure", "first_response", "First response", "첫 응답" },
    { "voc_measure", "resolution", "Resolution", "해결" },
    { "voc_dimension", "ticket_kind", "Kind", "유형" },
    { "voc_dimension", "channel", "Channel", "채널" },
    { "voc_dimension", "category", "Category", "카테고리" },
    { "voc_dimension", "week", "Week", "주" },
    /* campaigns (include/dangol/campaign.h): the audit actions, offers, states and groups, and
     * the customer dimensions a campaign audience adds to the cube's */
    { "audit_action", "campaign.create", "Created a campaign", "캠페인 생성" },
    { "audit_action", "campaign.launch", "Launched a campaign", "캠페인 실행" },
    { "campaign_offer", "none", "No offer", "혜택 없음" },
    { "campaign_offer", "coupon", "Coupon", "쿠폰" },
    { "campaign_offer", "points", "Bonus points", "보너스 포인트" },
    { "campaign_state", "draft", "Draft", "준비 중" },
    { "campaign_state", "launched", "Launched", "실행됨" },
    { "campaign_group", "treatment", "Treatment", "실험군" },
    { "campaign_group", "control", "Control", "대조군" },
    { "dimension", "tier", "Tier", "등급" },
    { "dimension", "clv_decile", "CLV decile", "CLV 10분위" },
    { "dimension", "p_alive", "P(alive)", "활성 확률" },
    { "dimension", "consent_email", "E-mail consent", "이메일 수신 동의" },
    { "dimension", "consent_sms", "SMS consent", "문자 수신 동의" },
    { "dimension", "consent_phone", "Phone consent", "전화 수신 동의" },
    /* stored models (docs/churn.md): what a model predicts, the churn model's algorithms */
    { "model_kind", "churn", "Churn", "이탈" },
    { "churn_algorithm", "xgboost", "Gradient-boosted trees (XGBoost)",
      "그래디언트 부스팅 트리 (XGBoost)" },
    { "churn_algorithm", "logistic", "Logistic regression", "로지스틱 회귀" },
};

/* Which domain a column's or a dimension's values come from. A column of one entity only is
 * qualified ("interactions.kind"); the others name the column wherever it appears (the cube's
 * dimensions, the API's tables, the customer card). */
static const struct { const char *column, *domain; } columns[] = {
    { "region", "region" },           { "channel", "channel" },
    { "acquisition", "acquisition" }, { "acquisition_channel", "acquisition" },
    { "payment", "payment" },         { "payment_method", "payment" },
    { "stage", "stage" },             { "activity", "activity" },
    { "segment", "segment" },         { "gender", "gender" },
    { "education", "education" },     { "occupation", "occupation" },
    { "income", "income" },           { "income_band", "income" },
    { "customer_type", "customer_type" }, { "kind", "feedback_kind" },
    { "status", "feedback_status" },  { "model", "model" },
    { "consent_email", "bool" },      { "consent_sms", "bool" },
    { "consent_phone", "bool" },      { "interactions.kind", "touchpoint_kind" },
    { "role", "staff_role" },         { "site", "site" },
    { "partner_activities.activity", "partner_activity" },
    { "movement_kind", "points_kind" },  { "source_kind", "points_source" },
    { "cluster", "cluster" },
    { "action", "audit_action" },        { "actor_kind", "audit_actor" },
    { "consent_events.purpose", "consent_purpose" }, { "consent_events.source", "consent_source" },
    { "consent_events.action", "consent_action" }, { "customer_erasures.kind", "erasure_kind" },
    { "purpose", "consent_purpose" },
    { "coupon_kind", "coupon_kind" },    { "audience", "coupon_audience" },
    { "coupon_state", "coupon_state" },
    { "component", "value_component" }, { "quadrant", "value_quadrant" },
    /* moments of truth (docs/mot.md): the built-in cycle's moments and the elements */
    { "moment", "mot_moment" },          { "weakest_moment", "mot_moment" },
    { "element", "touchpoint_kind" },
    { "offer", "campaign_offer" },       { "campaigns.state", "campaign_state" },
    { "group", "campaign_group" },       { "arm", "campaign_group" },
    { "tier", "tier" },
    { "side", "economics_side" },
};

const dg_vocab_entry *dg_vocab_at(size_t i)
{
    size_t n_labels;
    const dg_vocab_entry *labels = dg__vocab_labels(&n_labels);
    size_t n_values = sizeof values / sizeof values[0];
    if (i < n_values)
        return &values[i];
    return i - n_values < n_labels ? &labels[i - n_values] : NULL;
}

const dg_vocab_entry *dg_vocab_find(const char *domain, const char *code)
{
    const dg_vocab_entry *e;
    for (size_t i = 0; (e = dg_vocab_at(i)) != NULL; i++)
        if (strcmp(e->domain, domain) == 0 && strcmp(e->code, code) == 0)
            return e;
    return NULL;
}

/* TEXT (len bytes) equals NAME: bytewise, ASCII letters without case. */
static int same(const char *name, const char *text, size_t len)
{
    return strlen(name) == len && strncasecmp(name, text, len) == 0;
}

const char *dg_vocab_code(const char *domain, const char *text, size_t len)
{
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        const dg_vocab_entry *e = &values[i];
        if (strcmp(e->domain, domain) == 0 &&
            (same(e->code, text, len) || same(e->en, text, len) || same(e->ko, text, len)))
            return e->code;
    }
    return NULL;
}

const char *dg_vocab_code_among(const char *const *codes, const char *text, size_t len)
{
    for (size_t c = 0; codes[c]; c++)
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
            if (strcmp(values[i].code, codes[c]) == 0 &&
                (same(values[i].en, text, len) || same(values[i].ko, text, len)))
                return codes[c];
    return NULL;
}

const char *dg_vocab_column_at(size_t i, const char **domain)
{
    if (i >= sizeof columns / sizeof columns[0])
        return NULL;
    *domain = columns[i].domain;
    return columns[i].column;
}

const char *dg_vocab_domain_of(const char *entity, const char *column)
{
    size_t n_entity = entity ? strlen(entity) : 0;
    for (size_t i = 0; entity && i < sizeof columns / sizeof columns[0]; i++) {
        const char *c = columns[i].column;
        if (strncmp(c, entity, n_entity) == 0 && c[n_entity] == '.' && strcmp(c + n_entity + 1, column) == 0)
            return columns[i].domain;
    }
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        if (strcmp(columns[i].column, column) == 0)
            return columns[i].domain;
    return NULL;
}
