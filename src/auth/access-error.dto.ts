import { ApiProperty } from '@nestjs/swagger';

/** Body of a 401, 403 or 429 from the access guards. */
export class AccessErrorDto {
  @ApiProperty({ example: 401, enum: [401, 403, 429] }) statusCode!: number;
  @ApiProperty({ example: 'Unauthorized', enum: ['Unauthorized', 'Forbidden', 'Too Many Requests'] }) error!: string;
  @ApiProperty({ example: 'this route needs an admin API key: send it as X-API-Key or Authorization: Bearer' }) message!: string;
}
